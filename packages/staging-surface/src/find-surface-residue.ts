import { BirthLaneError, type Database, parseOrThrow, SQLSTATE, sqlStateOf } from '@birth-lane/contract';
import { z } from 'zod';
import {
  MAX_BLOCKS_PER_CALL,
  SELECT_CATALOG_RESIDUE_SQL,
  SELECT_ROWS_MENTIONING_SQL,
  SELECT_SEARCHED_TABLES_SQL,
} from './sql/select-surface-residue.js';
import { withStagingRole } from './staging-session.js';
import { surfaceIdSchema } from './surface-id.js';

const blocksPerStatementSchema = z.number().int().min(1).max(MAX_BLOCKS_PER_CALL);

/** Rows named per table at most: enough to find them, not a dump. */
const ROWS_SHOWN = 5;

export interface FindSurfaceResidueOptions {
  /** Heap blocks searched per statement (1 … 2048, the default); tests use small ones. */
  readonly blocksPerStatement?: number;
}

/**
 * Everything of the surface that is still anywhere (BAD-15): its schema or anything in it, any
 * schema, relation, function, type, trigger, role, database or event trigger named after it, and
 * any row of a birth_lane table that mentions its id. Empty means the drop was total.
 *
 * It runs as the staging role (the surface and its role are gone by then), and searches through two SECURITY DEFINER
 * functions (birth_lane.staging_surface_residue / staging_surface_rows_mentioning) that read with
 * the lane owner's privileges: the staging role itself may not read every birth_lane table, and
 * an operator holding only birth_lane_staging must still get a true answer. The registry is not
 * searched: the staging role cannot write it (readiness SR-2) and the pilot proves it unchanged
 * (NT-1 … NT-4). A table even the functions' owner cannot read is reported as a leftover it
 * could not rule out (fail closed), never skipped.
 *
 * The row search is one statement per table and block range (each well inside a 5 s
 * statement_timeout, which counts a whole function call), all in one REPEATABLE READ READ ONLY
 * transaction, so the ranges partition one snapshot of each table.
 */
export async function findSurfaceResidue(
  db: Database,
  surfaceId: string,
  options: FindSurfaceResidueOptions = {},
): Promise<string[]> {
  const id = parseOrThrow(surfaceIdSchema, surfaceId, 'surface id');
  const step = parseOrThrow(
    blocksPerStatementSchema,
    options.blocksPerStatement ?? MAX_BLOCKS_PER_CALL,
    'blocksPerStatement',
  );
  return withStagingRole(db, async (connection) => {
    await connection.query('begin isolation level repeatable read read only');
    try {
      const { rows } = await connection.query<{ leftover: string }>(SELECT_CATALOG_RESIDUE_SQL, [id]);
      const residue = [...new Set(rows.map((row) => row.leftover))];
      const tables = await connection.query<{
        name: string;
        qualified: string;
        blocks: string;
        searchable: boolean;
        searcher: string | null;
      }>(SELECT_SEARCHED_TABLES_SQL);
      for (const table of tables.rows) {
        if (table.searcher === null) throw missingSearch();
        if (!table.searchable) {
          residue.push(
            `${table.qualified} could not be searched for rows mentioning ${id} (the residue search's owner ${table.searcher} has no SELECT on it)`,
          );
          continue;
        }
        const found: string[] = [];
        const blocks = Number(table.blocks);
        for (let first = 0; first < blocks && found.length < ROWS_SHOWN; first += step) {
          const chunk = await connection.query<{ label: string }>(SELECT_ROWS_MENTIONING_SQL, [
            id,
            table.name,
            first,
            step,
          ]);
          found.push(...chunk.rows.map((row) => row.label));
        }
        if (found.length > 0)
          residue.push(
            `rows of ${table.qualified} mentioning ${id}: ${found.slice(0, ROWS_SHOWN).join(', ')}`,
          );
      }
      await connection.query('commit');
      return residue;
    } catch (error) {
      if (sqlStateOf(error) !== SQLSTATE.undefinedFunction) throw error;
      throw missingSearch(error);
    }
  });
}

function missingSearch(cause?: unknown): BirthLaneError {
  return new BirthLaneError(
    'STOP_CONDITION',
    'The residue search functions (birth_lane.staging_surface_residue, birth_lane.staging_surface_rows_mentioning) are missing: apply the install step staging-surface/0001_staging again. Nothing was ruled out.',
    cause === undefined ? undefined : { cause },
  );
}
