export {
  type BadRow,
  type CreatedSurface,
  type CreateSurfaceOptions,
  createSurface,
  MAX_SURFACE_ROWS,
  type SurfaceInput,
} from './create-surface.js';
export { type DroppedSurface, dropSurface } from './drop-surface.js';
export { findSurfaceResidue } from './find-surface-residue.js';
export {
  type FixtureFormat,
  type FixtureRow,
  fixtureFormatOf,
  fixtureRowSchema,
  parseFixtures,
} from './fixtures.js';
export {
  listSurfaces,
  type MalformedSurface,
  type SurfaceList,
  type SurfaceSummary,
} from './list-surfaces.js';
export { type StagingManifest, stagingManifestSchema } from './manifest.js';
export { READINESS_IDS, type ReadinessCheck, readinessCheckSchema } from './readiness.js';
export {
  REPORT_FAILURE_LIMIT,
  reportSurface,
  type StagingReport,
  stagingReportSchema,
} from './report-surface.js';
export { type RuleSetChoice, resolveRuleSet } from './resolve-rule-set.js';
export {
  type RunSurfaceOptions,
  runSurface,
  type StageCounts,
  SURFACE_BATCH_SIZE,
  type SurfaceRunCounts,
} from './run-surface.js';
export { StagingReadinessError, StagingResidueError } from './staging-errors.js';
export { stagingSteps } from './staging-steps.js';
export {
  STAGING_ROLE,
  SURFACE_SCHEMA_PREFIX,
  type SurfaceId,
  surfaceIdSchema,
  surfaceSchema,
} from './surface-id.js';
export { readSurfaceOutcome, type SurfaceRowOutcome } from './surface-outcome.js';
export { DEFAULT_TTL_SECONDS, MAX_TTL_SECONDS, parseTtl, ttlSchema } from './ttl.js';
