import type { Queryable } from '@birth-lane/contract';

export interface FailingCheck {
  readonly stage: string;
  readonly checkId: string;
  readonly rows: number;
}

/** The checks that fail most often, from the evidence log (under the given rule set, or recorded by the given run). */
export async function topFailingChecks(
  db: Queryable,
  options: { ruleSetHash?: string; runId?: string; limit?: number } = {},
): Promise<FailingCheck[]> {
  const { rows } = await db.query<{ stage: string; check_id: string; rows: number }>(
    `select stage, check_id, count(*)::int as rows
       from birth_lane.evidence
      where kind = 'inspection_failure' and ($1::text is null or rule_set_hash = $1::text)
        and ($3::uuid is null or run_id = $3::uuid)
      group by stage, check_id
      order by count(*) desc, check_id
      limit $2::int`,
    [options.ruleSetHash ?? null, options.limit ?? 5, options.runId ?? null],
  );
  return rows.map((row) => ({ stage: row.stage, checkId: row.check_id, rows: row.rows }));
}
