import { type Database, parseOrThrow, quoteIdentifier } from '@birth-lane/contract';
import { findSurfaceResidue } from './find-surface-residue.js';
import { StagingResidueError } from './staging-errors.js';
import { withStagingRole } from './staging-session.js';
import { requireSurface } from './surface-exists.js';
import { type SurfaceId, surfaceIdSchema, surfaceSchema } from './surface-id.js';

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
 * (findSurfaceResidue). A leftover throws StagingResidueError naming each one.
 */
export async function dropSurface(db: Database, surfaceId: string): Promise<DroppedSurface> {
  const id = parseOrThrow(surfaceIdSchema, surfaceId, 'surface id');
  const droppedInMs = await withStagingRole(db, async (connection) => {
    await requireSurface(connection, id);
    const started = performance.now();
    await connection.query(`drop schema ${quoteIdentifier(surfaceSchema(id))} cascade`);
    return performance.now() - started;
  });
  const residue = await findSurfaceResidue(db, id);
  if (residue.length > 0) throw new StagingResidueError(id, residue);
  return { surfaceId: id, droppedInMs, residue };
}
