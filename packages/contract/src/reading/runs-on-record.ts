import type { MalformedEvidence } from '../ports/evidence-sink.js';
import type { Queryable } from '../ports/queryable.js';
import type { RunReport } from '../run-report.js';
import { SELECT_RUN_REPORTS_SQL } from '../sql/select-run-reports.js';
import { type EvidenceRow, sortEvidenceRows } from '../stored-evidence.js';

export interface RunsOnRecord {
  readonly runs: readonly (RunReport & { readonly evidenceId: string })[];
  /** Run reports on record that do not match the evidence schema: reported by id, never fatal. */
  readonly malformed: readonly MalformedEvidence[];
}

/** The latest run reports in the evidence log, newest first; a record that does not parse is listed apart. */
export async function readRuns(db: Queryable, options: { limit: number }): Promise<RunsOnRecord> {
  const { rows } = await db.query<EvidenceRow>(SELECT_RUN_REPORTS_SQL, [options.limit]);
  const reading = sortEvidenceRows(rows);
  return {
    runs: reading.records.flatMap((stored) =>
      stored.record.kind === 'run_report' ? [{ ...stored.record.report, evidenceId: stored.id }] : [],
    ),
    malformed: reading.malformed,
  };
}
