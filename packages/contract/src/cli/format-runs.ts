import type { RunsOnRecord } from '../reading/runs-on-record.js';
import { groupDigits } from './group-digits.js';

/** `birth-lane runs` for people: one line per run, newest first, then the malformed reports by id. */
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
      `${run.endedAt.toISOString().padEnd(25)} ${run.runId}  ${run.channel.padEnd(8)} ${run.outcome.padEnd(10)} ${seconds.padStart(8)} ${groupDigits(run.scanned).padStart(11)}  ` +
        `${`${run.passed.pen}/${run.passed.stamp}/${run.passed.gate}`.padEnd(22)} ${`${run.failed.pen}/${run.failed.stamp}/${run.failed.gate}`.padEnd(22)} ${run.ambiguous}` +
        (run.detail ? `\n${' '.repeat(27)}(${run.detail})` : ''),
    );
  }
  for (const bad of onRecord.malformed)
    lines.push(`malformed run report: evidence #${bad.id} (recorded by ${bad.recordedBy}): ${bad.problem}`);
  if (onRecord.runs.length > 0) lines.push("a run's failures: birth-lane failures --run <run id>");
  return lines.join('\n');
}
