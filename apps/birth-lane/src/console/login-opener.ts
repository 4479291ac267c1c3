import type { LoginDatabase, LoginOpener, LoginRefusal } from '@birth-lane/console';
import { sqlStateIn } from '@birth-lane/contract/cli';
import pg from 'pg';

const INVALID_PASSWORD = '28P01';
const INVALID_AUTHORIZATION = '28000';

export interface LoginOpenerOptions {
  /** The app's connection string: the server and database; its user and password are replaced. */
  readonly url: string;
  /** The lane's session options (hardened search_path), as every app session starts with. */
  readonly sessionOptions?: string;
  readonly statementTimeoutMs: number;
}

/**
 * Opens a small pool AS the person signing in: same server and database as the app, their own
 * login and password. The first connection is made here, so a wrong password is a refusal now,
 * and session_user is read back from the server (never taken from the form).
 */
export function loginOpener(options: LoginOpenerOptions): LoginOpener {
  return {
    async open(login: string, password: string): Promise<LoginDatabase | LoginRefusal> {
      const url = new URL(options.url);
      url.username = encodeURIComponent(login);
      url.password = encodeURIComponent(password);
      const pool = new pg.Pool({
        connectionString: url.toString(),
        max: 2,
        idleTimeoutMillis: 60_000,
        connectionTimeoutMillis: 5000,
        statement_timeout: options.statementTimeoutMs,
        ...(options.sessionOptions ? { options: options.sessionOptions } : {}),
      });
      // An idle session the server ends is replaced on next use; it must not crash the server.
      pool.on('error', () => undefined);
      try {
        const { rows } = await pool.query<{ login: string }>('select session_user as login');
        return { db: pool, login: rows[0]!.login, close: () => pool.end() };
      } catch (error) {
        await pool.end().catch(() => undefined);
        const sqlState = sqlStateIn(error);
        // One answer for a wrong login and a wrong password: the page must not tell which exists.
        if (sqlState === INVALID_PASSWORD || sqlState === INVALID_AUTHORIZATION) {
          return { refused: true, reason: 'the database refused this login and password.' };
        }
        return { refused: true, reason: 'the database could not be reached; the server log says why.' };
      }
    },
  };
}
