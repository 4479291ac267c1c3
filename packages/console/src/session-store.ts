import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { LoginDatabase } from './console-ports.js';

/** One signed-in person: their own database session pool and the CSRF token bound to it. */
export interface ConsoleSession {
  readonly id: string;
  readonly login: string;
  readonly database: LoginDatabase;
  readonly csrfToken: string;
  readonly createdAt: number;
  lastSeenAt: number;
  /** The server accepted a wrong password for this login at sign-in (trust authentication). */
  readonly trustAuthentication: boolean;
}

/** A session's longest life, whatever the activity: a stolen cookie stops working within it. */
const MAX_SESSION_MS = 12 * 3600 * 1000;

/** 32 random bytes as hex: ids and tokens nobody can guess. */
export function randomToken(): string {
  return randomBytes(32).toString('hex');
}

/** Constant-time comparison of a presented token with the expected one. */
export function tokensMatch(presented: unknown, expected: string): boolean {
  if (typeof presented !== 'string' || presented.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(presented), Buffer.from(expected));
}

/**
 * Sessions live on the server only (the cookie holds a random id, nothing else), so logging out
 * or expiry really ends them: the login's pool is closed with the session.
 */
export class SessionStore {
  private readonly sessions = new Map<string, ConsoleSession>();

  constructor(
    private readonly idleMs: number,
    private readonly maxSessions: number,
    private readonly maxPerLogin: number = maxSessions,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  /** Room for one more session of `login`: its own oldest session is ended to make it (never someone else's). */
  async makeRoomFor(login: string): Promise<boolean> {
    await this.sweep();
    const own = [...this.sessions.values()]
      .filter((session) => session.login === login)
      .sort((a, b) => a.createdAt - b.createdAt);
    for (const session of own.slice(0, Math.max(0, own.length - this.maxPerLogin + 1))) {
      await this.end(session.id);
    }
    return this.sessions.size < this.maxSessions;
  }

  create(database: LoginDatabase, trustAuthentication: boolean): ConsoleSession {
    const at = this.now();
    const session: ConsoleSession = {
      id: randomToken(),
      login: database.login,
      database,
      csrfToken: randomToken(),
      createdAt: at,
      lastSeenAt: at,
      trustAuthentication,
    };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The live session with this id, its idle clock restarted; an expired one is closed and forgotten. */
  async find(id: string | undefined): Promise<ConsoleSession | null> {
    if (!id) return null;
    const session = this.sessions.get(id);
    if (!session) return null;
    if (this.expired(session)) {
      await this.end(id);
      return null;
    }
    session.lastSeenAt = this.now();
    return session;
  }

  /** Each login with a live session, with the database of its newest session. */
  liveLogins(): Map<string, LoginDatabase['db']> {
    const logins = new Map<string, LoginDatabase['db']>();
    for (const session of this.sessions.values()) {
      if (!this.expired(session)) logins.set(session.login, session.database.db);
    }
    return logins;
  }

  async end(id: string): Promise<void> {
    const session = this.sessions.get(id);
    if (!session) return;
    this.sessions.delete(id);
    await session.database.close();
  }

  async sweep(): Promise<void> {
    for (const session of [...this.sessions.values()]) {
      if (this.expired(session)) await this.end(session.id);
    }
  }

  async closeAll(): Promise<void> {
    for (const id of [...this.sessions.keys()]) await this.end(id);
  }

  private expired(session: ConsoleSession): boolean {
    const at = this.now();
    return at - session.lastSeenAt >= this.idleMs || at - session.createdAt >= MAX_SESSION_MS;
  }
}
