import { type Database, REGISTRY_TABLE, withTransaction } from '@birth-lane/contract';

/**
 * The producer backlog for `birth_lane_backlog_rows`: uncertified governed rows, read through the
 * producer's partial index on uncertified ids.
 */
export const COUNT_BACKLOG_SQL = `select count(*)::text as backlog from ${REGISTRY_TABLE}
  where certified = false and governance_role = 'governed'`;

/** Counts the backlog under a statement_timeout of `timeoutMs`, so a scrape never holds a slow count. */
export async function countBacklog(db: Database, timeoutMs: number): Promise<number> {
  return withTransaction(
    db,
    async (connection) => {
      const { rows } = await connection.query<{ backlog: string }>(COUNT_BACKLOG_SQL);
      return Number(rows[0]!.backlog);
    },
    { settings: { statement_timeout: `${timeoutMs}ms` } },
  );
}
