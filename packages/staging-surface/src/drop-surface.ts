import { BirthLaneError, type Database, parseOrThrow, quoteIdentifier } from '@birth-lane/contract';
import { findSurfaceResidue } from './find-surface-residue.js';
import { SELECT_OUTSIDE_DEPENDENTS_SQL } from './sql/select-outside-dependents.js';
import { StagingResidueError } from './staging-errors.js';
import { withStagingRole } from './staging-session.js';
import { requireSurface } from './surface-exists.js';
import { type SurfaceId, surfaceIdSchema, surfaceSchema, surfaceTable } from './surface-id.js';

export interface DroppedSurface {
  readonly surfaceId: SurfaceId;
  /** The drop itself (DROP SCHEMA … CASCADE), in milliseconds. */
  readonly droppedInMs: number;
  /** Always empty: residue throws StagingResidueError instead. */
  readonly residue: readonly string[];
}

/**
 * Drops the surface in one move (its schema, cascading to input, candidates, evidence, manifest
 * and the triggers on them), as the staging role, then looks everywhere for anything left of it
 * (findSurfaceResidue). A leftover throws StagingResidueError naming each one. Before the drop,
 * in the same transaction, an object outside the surface that depends on it (a production view
 * over a surface table, say) refuses the drop: CASCADE would remove it without asking whose it is.
 */
export async function dropSurface(db: Database, surfaceId: string): Promise<DroppedSurface> {
  const id = parseOrThrow(surfaceIdSchema, surfaceId, 'surface id');
  const droppedInMs = await withStagingRole(db, async (connection) => {
    await requireSurface(connection, id);
    const started = performance.now();
    await connection.query('begin');
    // A run or report still reading the surface holds it; wait a little, never indefinitely.
    await connection.query("set local lock_timeout = '3s'");
    // The lock keeps anyone from attaching a new dependent between the check and the drop.
    await connection.query(
      `lock table ${surfaceTable(id, 'input')}, ${surfaceTable(id, 'evidence')} in access exclusive mode`,
    );
    const { rows } = await connection.query<{ dependent: string }>(SELECT_OUTSIDE_DEPENDENTS_SQL, [
      surfaceSchema(id),
    ]);
    if (rows.length > 0) {
      throw new BirthLaneError(
        'CONTRACT_VIOLATION',
        `Refusing to drop staging surface ${id}: objects outside it depend on it, and a cascading drop would remove them too:\n${rows.map((row) => `  - ${row.dependent}`).join('\n')}\nNothing was dropped. Remove or rewrite those objects first; nothing outside a surface may lean on it.`,
      );
    }
    await connection.query(`drop schema ${quoteIdentifier(surfaceSchema(id))} cascade`);
    await connection.query('commit');
    return performance.now() - started;
  });
  const residue = await findSurfaceResidue(db, id);
  if (residue.length > 0) throw new StagingResidueError(id, residue);
  return { surfaceId: id, droppedInMs, residue };
}
