import type { Database } from '../ports/queryable.js';
import type { CommandHost } from './command-host.js';

/**
 * Runs one command's work on the host's database and closes it whatever happens, so a command that
 * fails still ends the pool (and leaves the embedded PostgreSQL to stop when its last user goes).
 */
export async function withDatabase<T>(
  host: Pick<CommandHost, 'openDatabase'>,
  work: (db: Database) => Promise<T>,
): Promise<T> {
  const database = await host.openDatabase();
  try {
    return await work(database.pool);
  } finally {
    await database.close();
  }
}
