import { quoteIdentifier } from '@birth-lane/contract';

/**
 * The statements of a listening session. LISTEN and UNLISTEN take no parameters, so the channel
 * name is quoted as an identifier (exactly as given: `pg_notify` matches names case-sensitively).
 */
export const listenStatement = (channel: string): string => `listen ${quoteIdentifier(channel)}`;
export const unlistenStatement = (channel: string): string => `unlisten ${quoteIdentifier(channel)}`;

/** A round trip that proves the session is alive. */
export const PING_SESSION_SQL = 'select 1';
