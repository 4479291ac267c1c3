import {
  BirthLaneError,
  type Database,
  type InspectionCompiler,
  parseOrThrow,
  ruleSetHash,
  ruleSetSchema,
  toIssues,
} from '@birth-lane/contract';
import { compileStages } from './resolve-rule-set.js';
import { judgeSurfaceBatchSql, type SurfaceBatchRow } from './sql/judge-surface-batch.js';
import { withSurfaceRole } from './staging-session.js';
import { requireSealedSurface } from './surface-exists.js';
import { type SurfaceId, surfaceIdSchema, surfaceTable } from './surface-id.js';

/** Rows per batch statement: a few hundred ms each on a laptop, far inside a 5 s statement_timeout. */
export const SURFACE_BATCH_SIZE = 5_000;

export interface StageCounts {
  readonly pen: number;
  readonly stamp: number;
  readonly gate: number;
}

export interface SurfaceRunCounts {
  readonly surfaceId: SurfaceId;
  readonly runId: string;
  readonly ruleSetVersion: string;
  readonly ruleSetHash: string;
  /** Rows walked (every row of the surface). */
  readonly taken: number;
  /** Governed, uncertified rows: the inspection's scope. */
  readonly scanned: number;
  /** Not `governed`: out of scope. */
  readonly skipped: number;
  /** Certified (certified-like fixture rows): never judged. */
  readonly skippedCertified: number;
  readonly ambiguous: number;
  readonly passed: StageCounts;
  readonly failed: StageCounts;
  readonly stampedRows: number;
  readonly evidenceAppended: number;
}

export interface RunSurfaceOptions {
  readonly compiler: InspectionCompiler;
  /** Called after each batch with rows done and the surface's row count. */
  readonly onProgress?: (done: number, total: number) => void;
  readonly batchSize?: number;
}

/**
 * Judges the surface's rows with the manifest's rule set, compiled by the production compiler:
 * the stored document is parsed again and its hash recomputed, and a document that no longer
 * matches (or no longer compiles) stamps nothing (SOURCE_RECOVERY_REQUIRED). Runs as the staging
 * role, in batches, each its own statement and transaction; a second run changes no stamp and
 * appends no failure already recorded (it appends its own run report).
 */
export async function runSurface(
  db: Database,
  surfaceId: string,
  options: RunSurfaceOptions,
): Promise<SurfaceRunCounts> {
  const id = parseOrThrow(surfaceIdSchema, surfaceId, 'surface id');
  const batchSize = options.batchSize ?? SURFACE_BATCH_SIZE;
  return withSurfaceRole(db, id, async (connection) => {
    await requireSealedSurface(connection, id);
    const manifest = await connection.query<{
      version: string;
      hash: string;
      document: unknown;
      total: string;
    }>(
      `select m.rule_set_version as version, m.rule_set_hash as hash, m.rule_set_document as document,
              (select count(*) from ${surfaceTable(id, 'input')})::text as total
         from ${surfaceTable(id, 'manifest')} m`,
    );
    const row = manifest.rows[0];
    if (row === undefined) throw unresolved(id, 'its manifest has no row');
    const parsed = ruleSetSchema.safeParse(row.document, { reportInput: true });
    if (!parsed.success) {
      const issues = toIssues(parsed.error).map((issue) => `${issue.field}: ${issue.message}`);
      throw unresolved(
        id,
        `the manifest's rule set does not satisfy the rule-set schema (${issues.join('; ')})`,
      );
    }
    const hash = ruleSetHash(parsed.data);
    if (hash !== row.hash || parsed.data.version !== row.version) {
      throw unresolved(
        id,
        `the manifest's rule set document hashes to ${hash} (version ${parsed.data.version}), not the recorded ${row.hash} (version ${row.version}); it was changed after creation`,
      );
    }
    let statement: string;
    try {
      statement = judgeSurfaceBatchSql(
        surfaceTable(id, 'input'),
        surfaceTable(id, 'evidence'),
        parsed.data,
        compileStages(options.compiler, parsed.data),
      );
    } catch (error) {
      throw unresolved(
        id,
        `the production compiler cannot compile its rule set: ${(error as Error).message}`,
      );
    }

    const { rows: runRows } = await connection.query<{ run_id: string }>(
      'select gen_random_uuid()::text as run_id',
    );
    const runId = runRows[0]!.run_id;
    const total = Number(row.total);
    const sum = {
      taken: 0,
      scanned: 0,
      skipped: 0,
      skipped_certified: 0,
      ambiguous: 0,
      passed_pen: 0,
      passed_stamp: 0,
      passed_gate: 0,
      failed_pen: 0,
      failed_stamp: 0,
      failed_gate: 0,
      stamped_rows: 0,
      evidence_appended: 0,
    };
    let after = '-9223372036854775808';
    for (;;) {
      const { rows } = await connection.query<SurfaceBatchRow>(statement, [after, batchSize, runId, hash]);
      const batch = rows[0]!;
      for (const key of Object.keys(sum) as (keyof typeof sum)[]) sum[key] += batch[key];
      options.onProgress?.(sum.taken, total);
      if (batch.taken < batchSize || batch.last_id === null) break;
      after = batch.last_id;
    }
    const counts: SurfaceRunCounts = {
      surfaceId: id,
      runId,
      ruleSetVersion: parsed.data.version,
      ruleSetHash: hash,
      taken: sum.taken,
      scanned: sum.scanned,
      skipped: sum.skipped,
      skippedCertified: sum.skipped_certified,
      ambiguous: sum.ambiguous,
      passed: { pen: sum.passed_pen, stamp: sum.passed_stamp, gate: sum.passed_gate },
      failed: { pen: sum.failed_pen, stamp: sum.failed_stamp, gate: sum.failed_gate },
      stampedRows: sum.stamped_rows,
      evidenceAppended: sum.evidence_appended,
    };
    await connection.query(
      `insert into ${surfaceTable(id, 'evidence')} (run_id, kind, rule_set_hash, message, payload)
       values ($1::uuid, 'run_report', $2::text, 'staging run report', $3::jsonb)`,
      [runId, hash, JSON.stringify(counts)],
    );
    return counts;
  });
}

function unresolved(surfaceId: string, why: string): BirthLaneError {
  return new BirthLaneError(
    'SOURCE_RECOVERY_REQUIRED',
    `SOURCE_RECOVERY_REQUIRED: staging surface ${surfaceId} has no usable rule set: ${why}. Nothing was stamped; create a new surface.`,
  );
}
