import { BirthLaneError, type Database, parseOrThrow, SQLSTATE, sqlStateOf } from '@birth-lane/contract';
import { findSurfaceResidue } from './find-surface-residue.js';
import { StagingResidueError } from './staging-errors.js';
import { withStagingRole } from './staging-session.js';
import { STAGING_SQLSTATE } from './staging-sqlstate.js';
import { type SurfaceId, surfaceIdSchema } from './surface-id.js';

export interface DroppedSurface {
  readonly surfaceId: SurfaceId;
  /** The drop itself (birth_lane.drop_staging_surface: checks, DROP SCHEMA … CASCADE, DROP ROLE), in milliseconds. */
  readonly droppedInMs: number;
  /** Always empty: residue throws StagingResidueError instead. */
  readonly residue: readonly string[];
}

/**
 * Drops the surface in one move through birth_lane.drop_staging_surface (its schema, cascading to
 * input, candidates, evidence, manifest and the triggers on them, and its role, in one
 * transaction), then looks everywhere for anything left of it (findSurfaceResidue). The function
 * allows the creator, the lane owner, or any staging member once the surface has expired (server
 * time); it refuses, naming them, objects outside the surface that depend on it (CASCADE would
 * remove them without asking whose they are). A leftover throws StagingResidueError.
 */
export async function dropSurface(db: Database, surfaceId: string): Promise<DroppedSurface> {
  const id = parseOrThrow(surfaceIdSchema, surfaceId, 'surface id');
  const droppedInMs = await withStagingRole(db, async (connection) => {
    const started = performance.now();
    try {
      await connection.query('select birth_lane.drop_staging_surface($1::text)', [id]);
    } catch (error) {
      throw dropRefusal(id, error);
    }
    return performance.now() - started;
  });
  const residue = await findSurfaceResidue(db, id);
  if (residue.length > 0) throw new StagingResidueError(id, residue);
  return { surfaceId: id, droppedInMs, residue };
}

function dropRefusal(id: SurfaceId, error: unknown): unknown {
  const message = (error as Error).message;
  switch (sqlStateOf(error)) {
    case STAGING_SQLSTATE.noDataFound:
      return new BirthLaneError(
        'VALIDATION_FAILED',
        `No staging surface ${id} (list them with: birth-lane staging list).`,
        { cause: error },
      );
    case SQLSTATE.insufficientPrivilege:
      return new BirthLaneError('FORBIDDEN_ACTION', message, { cause: error });
    case STAGING_SQLSTATE.dependentObjectsStillExist:
      return new BirthLaneError('CONTRACT_VIOLATION', message, { cause: error });
    default:
      return error;
  }
}
