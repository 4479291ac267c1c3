import {
  type EvidenceRow,
  type MalformedEvidence,
  type Queryable,
  type RunReport,
  sortEvidenceRows,
} from '@birth-lane/contract';
import { number } from '../status/format-status.js';

export interface RunsOnRecord {
  readonly runs: readonly (RunReport & { readonly evidenceId: string })[];
  /** Run reports on record that do not match the evidence schema: reported by id, never fatal. */
  readonly malformed: readonly MalformedEvidence[];
}

/** The latest run reports in the evidence log, newest first; a record that does not parse is listed apart. */
export async function readRuns(db: Queryable, options: { limit: number }): Promise<RunsOnRecord> {
  const { rows } = await db.query<EvidenceRow>(
    // Ordered by the table's bigint column (`e.id`): the text output column would sort `85` after `16086`.
    `select e.id::text as id, e.kind, e.recorded_at, e.recorded_by, e.payload
       from birth_lane.evidence e where e.kind = 'run_report' order by e.id desc limit $1::int`,
    [options.limit],
  );
  const reading = sortEvidenceRows(rows);
  return {
    runs: reading.records.flatMap((stored) =>
      stored.record.kind === 'run_report' ? [{ ...stored.record.report, evidenceId: stored.id }] : [],
    ),
    malformed: reading.malformed,
  };
}

export function formatRuns(onRecord: RunsOnRecord): string {
  const lines: string[] = [];
  if (onRecord.runs.length === 0 && onRecord.malformed.length === 0) lines.push('no runs on record yet');
  else if (onRecord.runs.length > 0)
    lines.push(
      'ended at (UTC)            run id                                channel  outcome     seconds     scanned  passed PEN/STAMP/GATE   failed PEN/STAMP/GATE  ambiguous',
    );
  for (const run of onRecord.runs) {
    const seconds = ((run.endedAt.getTime() - run.startedAt.getTime()) / 1000).toFixed(1);
    lines.push(
      `${run.endedAt.toISOString().padEnd(25)} ${run.runId}  ${run.channel.padEnd(8)} ${run.outcome.padEnd(10)} ${seconds.padStart(8)} ${number(run.scanned).padStart(11)}  ` +
        `${`${run.passed.pen}/${run.passed.stamp}/${run.passed.gate}`.padEnd(22)} ${`${run.failed.pen}/${run.failed.stamp}/${run.failed.gate}`.padEnd(22)} ${run.ambiguous}` +
        (run.detail ? `\n${' '.repeat(27)}(${run.detail})` : ''),
    );
  }
  for (const bad of onRecord.malformed)
    lines.push(`malformed run report: evidence #${bad.id} (recorded by ${bad.recordedBy}): ${bad.problem}`);
  if (onRecord.runs.length > 0) lines.push("a run's failures: birth-lane failures --run <run id>");
  return lines.join('\n');
}
