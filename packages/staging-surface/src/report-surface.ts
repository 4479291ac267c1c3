import {
  BirthLaneError,
  type Database,
  INSPECT_STAGES,
  inspectStageSchema,
  parseOrThrow,
} from '@birth-lane/contract';
import { z } from 'zod';
import { type ManifestRow, manifestFromRow, stagingManifestSchema } from './manifest.js';
import {
  selectFailuresSql,
  selectProductionComparisonSql,
  selectSurfaceCountsSql,
  selectTopChecksSql,
} from './sql/select-surface-report.js';
import { withSurfaceRole } from './staging-session.js';
import { requireSealedSurface } from './surface-exists.js';
import { surfaceIdSchema, surfaceTable } from './surface-id.js';

/** How many failure rows a report lists; the counts cover them all. */
export const REPORT_FAILURE_LIMIT = 50;

const count = z.number().int().nonnegative();
const stageCounts = z.object({ pen: count, stamp: count, gate: count });
const agreement = z.object({ agree: count, stagingOnly: count, productionOnly: count });

export const stagingReportSchema = z.object({
  surfaceId: surfaceIdSchema,
  manifest: stagingManifestSchema,
  counts: z.object({
    rows: count,
    /** Governed, uncertified: the inspection's scope. */
    scanned: count,
    /** Not governed: out of scope. */
    skipped: count,
    /** Certified(-like): never judged. */
    skippedCertified: count,
    ambiguous: count,
    /** Stamps set by staging runs (not loaded with the input). */
    passed: stageCounts,
    /** Rows with at least one recorded failure of the stage. */
    failed: stageCounts,
    runs: count,
  }),
  topChecks: z.array(z.object({ stage: inspectStageSchema, checkId: z.string(), rows: count })),
  failures: z.array(
    z.object({
      rowId: z.string(),
      entityCode: z.string().nullable(),
      kind: z.enum(['inspection_failure', 'ambiguous_row']),
      stage: inspectStageSchema.nullable(),
      checkId: z.string(),
      message: z.string().nullable(),
    }),
  ),
  /** Failure records the report could not read (missing row, stage or check): counted, not listed. */
  malformedEvidence: count,
  /** Sampled surfaces only: candidate stamps against production's stamps now, per stage. */
  comparison: z
    .object({
      rows: count,
      missingInProduction: count,
      stages: z.object({ pen: agreement, stamp: agreement, gate: agreement }),
    })
    .nullable(),
});
export type StagingReport = z.infer<typeof stagingReportSchema>;

/** What a surface holds now: counts per stage, the top failing checks, the first failures, and (sampled) production's view. */
export async function reportSurface(db: Database, surfaceId: string): Promise<StagingReport> {
  const id = parseOrThrow(surfaceIdSchema, surfaceId, 'surface id');
  const input = surfaceTable(id, 'input');
  const evidence = surfaceTable(id, 'evidence');
  return withSurfaceRole(db, id, async (connection) => {
    await requireSealedSurface(connection, id);
    const manifestRows = await connection.query<ManifestRow>(
      `select id, creator, rule_set_version, rule_set_hash, source, created_at, expires_at, readiness from ${surfaceTable(id, 'manifest')}`,
    );
    const row = manifestRows.rows[0];
    const read = row && manifestFromRow(row);
    if (!read?.success) {
      throw new BirthLaneError(
        'CONTRACT_VIOLATION',
        `The manifest of staging surface ${id} cannot be read (${read ? read.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ') : 'no row'}); drop the surface.`,
      );
    }
    const manifest = read.data;
    const { rows: countRows } = await connection.query<Record<string, number>>(
      selectSurfaceCountsSql(input, evidence),
      [manifest.createdAt],
    );
    const c = countRows[0]!;
    const top = await connection.query<{ stage: string; check_id: string; rows: number }>(
      selectTopChecksSql(evidence),
    );
    const failures = await connection.query<{
      row_id: string;
      entity_code: string | null;
      kind: string;
      stage: string | null;
      check_id: string;
      message: string | null;
    }>(selectFailuresSql(input, evidence), [REPORT_FAILURE_LIMIT]);

    let comparison: StagingReport['comparison'] = null;
    if (manifest.source.startsWith('sample:')) {
      const { rows } = await connection.query<Record<string, number>>(selectProductionComparisonSql(input));
      const r = rows[0]!;
      const stage = (column: string) => ({
        agree: r[`${column}_agree`]!,
        stagingOnly: r[`${column}_staging_only`]!,
        productionOnly: r[`${column}_production_only`]!,
      });
      comparison = {
        rows: r['rows']!,
        missingInProduction: r['missing_in_production']!,
        stages: { pen: stage('inspect_pen'), stamp: stage('inspect_stamp'), gate: stage('inspect_gate') },
      };
    }
    const stages = (prefix: string) =>
      Object.fromEntries(INSPECT_STAGES.map((stage) => [stage, c[`${prefix}_${stage}`]])) as Record<
        (typeof INSPECT_STAGES)[number],
        number
      >;
    return parseOrThrow(
      stagingReportSchema,
      {
        surfaceId: id,
        manifest,
        counts: {
          rows: c['rows'],
          scanned: c['scanned'],
          skipped: c['skipped'],
          skippedCertified: c['skipped_certified'],
          ambiguous: c['ambiguous'],
          passed: stages('passed'),
          failed: stages('failed'),
          runs: c['runs'],
        },
        topChecks: top.rows.map((row) => ({ stage: row.stage, checkId: row.check_id, rows: row.rows })),
        failures: failures.rows.map((row) => ({
          rowId: row.row_id,
          entityCode: row.entity_code,
          kind: row.kind,
          stage: row.stage,
          checkId: row.check_id,
          message: row.message,
        })),
        malformedEvidence: c['malformed_evidence'],
        comparison,
      },
      `staging report of ${id}`,
    );
  });
}
