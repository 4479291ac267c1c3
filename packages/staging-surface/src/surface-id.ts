import { quoteIdentifier } from '@birth-lane/contract';
import { z } from 'zod';

/** A surface id as the server generates it (birth_lane.create_staging_schema): 12 hex characters. */
export const surfaceIdSchema = z
  .string()
  .regex(/^[0-9a-f]{12}$/, 'must be a staging surface id: 12 hex characters');
export type SurfaceId = z.infer<typeof surfaceIdSchema>;

/** Every surface schema starts with this; nothing else may (the residue check relies on it). */
export const SURFACE_SCHEMA_PREFIX = 'bl_stage_';

/** The NOLOGIN role every piece of surface work runs as. */
export const STAGING_ROLE = 'birth_lane_staging';

export function surfaceSchema(surfaceId: SurfaceId): string {
  return `${SURFACE_SCHEMA_PREFIX}${surfaceId}`;
}

/** `"bl_stage_<id>".<table>`, quoted once, here. */
export function surfaceTable(surfaceId: SurfaceId, table: 'manifest' | 'input' | 'evidence'): string {
  return `${quoteIdentifier(surfaceSchema(surfaceId))}.${quoteIdentifier(table)}`;
}
