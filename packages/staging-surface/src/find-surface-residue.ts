import { parseOrThrow, type Queryable, SQLSTATE, sqlStateOf } from '@birth-lane/contract';
import {
  SELECT_CATALOG_RESIDUE_SQL,
  SELECT_SHARED_TABLES_SQL,
  selectIdBoundsSql,
  selectRowsMentioningSql,
} from './sql/select-surface-residue.js';
import { surfaceIdSchema, surfaceSchema } from './surface-id.js';

/** Ids per statement when a shared table is searched for rows mentioning a surface. */
const ROW_CHUNK = 200_000n;

/**
 * Everything of the surface that is still anywhere (BAD-15): its schema or anything in it, any
 * schema, relation, function, type, trigger, role, database or event trigger named after it, and
 * any row of a shared lane table (birth_lane.*, the registry) that mentions its id. Empty means
 * the drop was total. It reads with the caller's privileges, not the staging role's, because it
 * must look where the staging role cannot; a table it cannot read is reported as a leftover it
 * could not rule out (fail closed), never skipped.
 */
export async function findSurfaceResidue(db: Queryable, surfaceId: string): Promise<string[]> {
  const id = parseOrThrow(surfaceIdSchema, surfaceId, 'surface id');
  const pattern = `%${id}%`;
  const { rows } = await db.query<{ leftover: string }>(SELECT_CATALOG_RESIDUE_SQL, [
    surfaceSchema(id),
    pattern,
  ]);
  const residue = [...new Set(rows.map((row) => row.leftover))];

  const tables = await db.query<{ name: string; has_id: boolean }>(SELECT_SHARED_TABLES_SQL);
  for (const table of tables.rows) {
    try {
      const found = await rowsMentioning(db, table.name, table.has_id, pattern);
      if (found.length > 0) residue.push(`rows of ${table.name} mentioning ${id}: id ${found.join(', ')}`);
    } catch (error) {
      if (sqlStateOf(error) !== SQLSTATE.insufficientPrivilege) throw error;
      residue.push(
        `${table.name} could not be searched for rows mentioning ${id} (no SELECT); run the check as the lane owner`,
      );
    }
  }
  return residue;
}

async function rowsMentioning(
  db: Queryable,
  table: string,
  hasId: boolean,
  pattern: string,
): Promise<string[]> {
  if (!hasId) {
    const { rows } = await db.query<{ id: string }>(selectRowsMentioningSql(table, false), [pattern]);
    return rows.map((row) => row.id);
  }
  const bounds = await db.query<{ lo: string; hi: string }>(selectIdBoundsSql(table));
  const lo = BigInt(bounds.rows[0]!.lo) - 1n;
  const hi = BigInt(bounds.rows[0]!.hi);
  const found: string[] = [];
  for (let after = lo; after < hi && found.length < 5; after += ROW_CHUNK) {
    const { rows } = await db.query<{ id: string }>(selectRowsMentioningSql(table, true), [
      pattern,
      after.toString(),
      (after + ROW_CHUNK).toString(),
    ]);
    found.push(...rows.map((row) => row.id));
  }
  return found.slice(0, 5);
}
