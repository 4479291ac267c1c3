import type { Queryable } from '@birth-lane/contract';

export interface FailureOnRecord {
  readonly evidenceId: string;
  readonly recordedAt: string;
  readonly runId: string | null;
  readonly rowId: string | null;
  readonly entityCode: string | null;
  readonly stage: string | null;
  readonly checkId: string | null;
  readonly ruleSetHash: string | null;
  readonly message: string | null;
}

export interface FailureFilter {
  readonly runId?: string;
  readonly sinceSeconds?: number;
  readonly checkId?: string;
  readonly limit: number;
}

/** Inspection failures on record, newest first, filtered by run, age and check. */
export async function readFailures(
  db: Queryable,
  filter: FailureFilter,
): Promise<{ failures: FailureOnRecord[]; more: boolean }> {
  const { rows } = await db.query<{
    id: string;
    recorded_at: Date;
    run_id: string | null;
    row_id: string | null;
    entity_code: string | null;
    stage: string | null;
    check_id: string | null;
    rule_set_hash: string | null;
    message: string | null;
  }>(
    `select e.id::text as id, e.recorded_at, e.run_id::text as run_id, e.row_id::text as row_id, e.entity_code, e.stage,
            e.check_id, e.rule_set_hash, e.message
       from birth_lane.evidence e
      where e.kind = 'inspection_failure'
        and ($1::uuid is null or e.run_id = $1::uuid)
        and ($2::float8 is null or e.recorded_at >= clock_timestamp() - make_interval(secs => $2::float8))
        and ($3::text is null or e.check_id = $3::text)
      order by e.id desc
      limit $4::int`,
    [filter.runId ?? null, filter.sinceSeconds ?? null, filter.checkId ?? null, filter.limit + 1],
  );
  return {
    more: rows.length > filter.limit,
    failures: rows.slice(0, filter.limit).map((row) => ({
      evidenceId: row.id,
      recordedAt: row.recorded_at.toISOString(),
      runId: row.run_id,
      rowId: row.row_id,
      entityCode: row.entity_code,
      stage: row.stage,
      checkId: row.check_id,
      ruleSetHash: row.rule_set_hash,
      message: row.message,
    })),
  };
}

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

export function formatFailures(
  result: { failures: readonly FailureOnRecord[]; more: boolean },
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
