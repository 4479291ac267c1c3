import type { Database } from '../ports/queryable.js';
import type { CommandHost } from './command-host.js';
import { requireLaneReadable } from './require-lane-readable.js';

/** Opens the host's database as a reader, checks the lane is there and readable, runs `work`, closes. */
export async function withLaneReader(
  host: CommandHost,
  work: (db: Database) => Promise<number>,
): Promise<number> {
  host.needsRole('birth_lane_reader');
  // A reading command runs one statement at a time: a small pool.
  const database = await host.openDatabase({ poolSize: 2 });
  try {
    await requireLaneReadable(database.pool);
    return await work(database.pool);
  } finally {
    await database.close();
  }
}
