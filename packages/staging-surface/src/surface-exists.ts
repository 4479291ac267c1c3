import { BirthLaneError, type Queryable } from '@birth-lane/contract';
import { type SurfaceId, surfaceSchema } from './surface-id.js';

/** Refuses, naming the id, a surface that does not exist . */
export async function requireSurface(db: Queryable, surfaceId: SurfaceId): Promise<void> {
  const { rows } = await db.query<{ present: boolean }>(
    'select exists (select 1 from pg_catalog.pg_namespace n where n.nspname = $1::text) as present',
    [surfaceSchema(surfaceId)],
  );
  if (rows[0]?.present !== true) {
    throw new BirthLaneError(
      'VALIDATION_FAILED',
      `No staging surface ${surfaceId} (list them with: birth-lane staging list).`,
    );
  }
}

/**
 * Refuses a surface that was never sealed: `createSurface` loads and seals in one transaction, so
 * an unsealed one was made by calling birth_lane.create_staging_surface directly, and its rows
 * (loaded by hand, stamps included, with the stud not yet attached) are nothing a run or a report
 * may vouch for. Sealed means production's stud guard is attached to its input.
 */
export async function requireSealedSurface(db: Queryable, surfaceId: SurfaceId): Promise<void> {
  const { rows } = await db.query<{ sealed: boolean }>(
    `select exists (select 1 from pg_catalog.pg_trigger g
                     where g.tgrelid = pg_catalog.to_regclass(pg_catalog.format('%I.input', $1::text))
                       and g.tgname = 'input_inspect_stud') as sealed`,
    [surfaceSchema(surfaceId)],
  );
  if (rows[0]?.sealed !== true) {
    throw new BirthLaneError(
      'CONTRACT_VIOLATION',
      `Staging surface ${surfaceId} was never sealed (it was not made by \`staging create\`, so its rows were loaded by hand without the stud guard): nothing in it can be run or reported. Drop it: birth-lane staging drop ${surfaceId}.`,
    );
  }
}
