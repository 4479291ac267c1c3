import { BirthLaneError, type Queryable } from '@birth-lane/contract';
import { type SurfaceId, surfaceSchema } from './surface-id.js';

/** Refuses, naming the id, a surface that does not exist (or is not the staging role's). */
export async function requireSurface(db: Queryable, surfaceId: SurfaceId): Promise<void> {
  const { rows } = await db.query<{ present: boolean }>(
    `select exists (select 1 from pg_catalog.pg_namespace n join pg_catalog.pg_roles r on r.oid = n.nspowner
                     where n.nspname = $1::text and r.rolname = 'birth_lane_staging') as present`,
    [surfaceSchema(surfaceId)],
  );
  if (rows[0]?.present !== true) {
    throw new BirthLaneError(
      'VALIDATION_FAILED',
      `No staging surface ${surfaceId} exists (list them with: birth-lane staging list).`,
    );
  }
}
