import { quoteIdentifier } from '@birth-lane/contract';
import { z } from 'zod';

/** A surface id as the server generates it (birth_lane.create_staging_surface): 12 hex characters. */
export const surfaceIdSchema = z
  .string()
  .regex(/^[0-9a-f]{12}$/, 'must be a staging surface id: 12 hex characters');
export type SurfaceId = z.infer<typeof surfaceIdSchema>;

/** Every surface schema starts with this; nothing else may (the residue check relies on it). */
export const SURFACE_SCHEMA_PREFIX = 'bl_stage_';

/** The NOLOGIN role readiness, sampling and listing run as; every surface role is a member of it. */
export const STAGING_ROLE = 'birth_lane_staging';

/** The surface's own NOLOGIN role (granted to its creator only): run, report and load run as it. */
export function surfaceRole(surfaceId: SurfaceId): string {
  return `${SURFACE_SCHEMA_PREFIX}${surfaceId}`;
}

export function surfaceSchema(surfaceId: SurfaceId): string {
  return `${SURFACE_SCHEMA_PREFIX}${surfaceId}`;
}

/** `"bl_stage_<id>".<table>`, quoted once, here. */
export function surfaceTable(surfaceId: SurfaceId, table: 'manifest' | 'input' | 'evidence'): string {
  return `${quoteIdentifier(surfaceSchema(surfaceId))}.${quoteIdentifier(table)}`;
}
