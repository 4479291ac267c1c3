import pg from 'pg';
import { LANE_SESSION_OPTIONS } from './session-options.js';

/**
 * A factory of dedicated sessions (not from the pool) for work that owns its session, such as
 * LISTEN. TCP keepalive lets the kernel notice a dead peer; the caller still pings.
 */
export function dedicatedClientFactory(url: string, applicationName: string): () => Promise<pg.Client> {
  return async () => {
    const client = new pg.Client({
      connectionString: url,
      application_name: applicationName,
      keepAlive: true,
      connectionTimeoutMillis: 10_000,
      options: LANE_SESSION_OPTIONS,
    });
    // An error before connect() settles is reported by connect() itself; later ones by the owner.
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    client.removeAllListeners('error');
    return client;
  };
}
