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
