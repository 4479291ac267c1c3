import { type ListenHandlers, type ListenPort, type ListenSession, withDeadline } from '@birth-lane/contract';
import pg from 'pg';
import { listenStatement, PING_SESSION_SQL, unlistenStatement } from './sql/listen-session.js';

export interface PgListenPortOptions {
  readonly connectionString: string;
  /** Shown in `pg_stat_activity.application_name`, so an operator can find the listener. */
  readonly applicationName: string;
  /**
   * libpq `options` sent at connection start, e.g. `-c search_path=pg_catalog,pg_temp` (the app's
   * hardening of every session it opens).
   */
  readonly sessionOptions?: string;
  /** Deadline of connecting; default 10 000 ms. */
  readonly connectTimeoutMs?: number;
  /** Deadline of LISTEN and of UNLISTEN; default 5 000 ms. After it, the session is cut. */
  readonly commandTimeoutMs?: number;
}

type SessionState = 'opening' | 'listening' | 'lost' | 'closed';

/**
 * The contract's ListenPort on `pg`: each `open` makes a NEW `pg.Client`, never a pooled session
 * (a LISTEN belongs to its session, and a pool would hand it to other work or close it when
 * idle). TCP keepalive lets the kernel notice a dead peer; the caller still pings.
 */
export function pgListenPort(options: PgListenPortOptions): ListenPort {
  const commandTimeoutMs = options.commandTimeoutMs ?? 5_000;
  return {
    specificationVersion: 'v1',
    async open(channel, handlers) {
      const client = await connect(options);
      return listenOn(client, channel, handlers, commandTimeoutMs);
    },
  };
}

async function connect(options: PgListenPortOptions): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: options.connectionString,
    application_name: options.applicationName,
    keepAlive: true,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    ...(options.sessionOptions === undefined ? {} : { options: options.sessionOptions }),
  });
  // An error before connect() settles is reported by connect() itself; later ones by the session.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  client.removeAllListeners('error');
  return client;
}

async function listenOn(
  client: pg.Client,
  channel: string,
  handlers: ListenHandlers,
  commandTimeoutMs: number,
): Promise<ListenSession> {
  let state: SessionState = 'opening';
  let lostWith: Error | null = null;
  // pg reports one loss twice (an 'error', then 'end'); the handler hears of it once.
  const lose = (error: Error): void => {
    if (state !== 'opening' && state !== 'listening') return;
    lostWith ??= error;
    if (state === 'opening') return; // open() rejects with it instead
    state = 'lost';
    handlers.onLost(error);
  };
  // Attached before LISTEN: a notification can arrive in the same read as LISTEN's answer, before
  // the await below resumes, and it must not be dropped.
  client.on('notification', (message) => {
    if (message.channel !== channel || (state !== 'opening' && state !== 'listening')) return;
    handlers.onNotification(message.payload ?? '');
  });
  client.on('error', lose);
  client.on('end', () => lose(new Error('the listening session ended')));
  const release = async (): Promise<void> => {
    client.removeAllListeners();
    // A closing session may still report an error; it must not crash the process.
    client.on('error', () => undefined);
    // pg cuts the socket when a statement is still in flight (a LISTEN or UNLISTEN that timed out).
    await client.end().catch(() => undefined);
  };

  try {
    await withDeadline(client.query(listenStatement(channel)), commandTimeoutMs, 'LISTEN');
    if (lostWith) throw lostWith;
  } catch (error) {
    state = 'closed';
    await release();
    throw error;
  }
  state = 'listening';

  return {
    async ping() {
      if (state !== 'listening')
        throw new Error(`the listening session is ${state}`, { cause: lostWith ?? undefined });
      try {
        await client.query(PING_SESSION_SQL);
      } catch (error) {
        // A failed `select 1` means the session is gone, even when pg has not said so yet (the
        // server's goodbye can answer the ping itself, with the socket's end still to be read).
        lose(error instanceof Error ? error : new Error(String(error)));
        throw error;
      }
    },
    async close() {
      if (state === 'closed') return;
      const listening = state === 'listening';
      state = 'closed';
      let unlistenFailure: unknown = null;
      if (listening) {
        try {
          await withDeadline(client.query(unlistenStatement(channel)), commandTimeoutMs, 'UNLISTEN');
        } catch (error) {
          unlistenFailure = error;
        }
      }
      await release();
      if (unlistenFailure) throw unlistenFailure;
    },
  };
}
