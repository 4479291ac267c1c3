import type { FailureOnRecord, FailuresOnRecord } from '../reading/failures-on-record.js';

const CSV_COLUMNS = [
  'evidenceId',
  'recordedAt',
  'runId',
  'rowId',
  'entityCode',
  'stage',
  'checkId',
  'ruleSetHash',
  'message',
] as const satisfies readonly (keyof FailureOnRecord)[];

/** RFC 4180: every field quoted when it holds a comma, quote or line break; quotes doubled. */
export function failuresCsv(failures: readonly FailureOnRecord[]): string {
  const field = (value: string | null) =>
    value === null ? '' : /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
  return [CSV_COLUMNS.join(','), ...failures.map((f) => CSV_COLUMNS.map((c) => field(f[c])).join(','))]
    .map((line) => `${line}\r\n`)
    .join('');
}

/** `birth-lane failures` for people: one line per failure, newest first. */
export function formatFailures(
  result: FailuresOnRecord,
  filter: { readonly limit: number; readonly runId?: string },
): string {
  const limit = filter.limit;
  if (result.failures.length === 0)
    return (
      'no inspection failures on record for this filter' +
      (filter.runId
        ? '\n(a failure is recorded once per row, check and rule set: a re-run finds the earlier ones on record; try without --run)'
        : '')
    );
  const lines = result.failures.map(
    (f) =>
      `${f.recordedAt}  ${(f.stage ?? '?').padEnd(5)} ${(f.checkId ?? '?').padEnd(36)} ${(f.entityCode ?? '?').padEnd(14)} ${f.message ?? ''}`,
  );
  if (result.more)
    lines.push(`… more on record: showing the newest ${limit} (--limit N for more, --csv for a file)`);
  lines.push("one row's whole story: birth-lane explain <entity_code>");
  return lines.join('\n');
}
