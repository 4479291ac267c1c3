import { type Database, type InspectStage, REGISTRY_TABLE, type RuleSet } from '@birth-lane/contract';
import { compileStageFailuresSql } from './compile-sql.js';

export interface RuleSetPreview {
  readonly version: string;
  /** Uncertified governed rows judged. */
  readonly rows: number;
  /** Rows that would pass PEN; of those, STAMP too; of those, GATE too (and so be certified). */
  readonly passing: Readonly<Record<InspectStage, number>>;
  /** The checks failing most rows, counted where a run would judge them (a stage after a failed one is not). */
  readonly topFailingChecks: readonly {
    readonly stage: InspectStage;
    readonly checkId: string;
    readonly rows: number;
  }[];
}

/**
 * What `ruleSet` would do to the live registry, writing nothing: every uncertified governed row is
 * judged from PEN on with the very SQL the inspection is compiled from, inside a READ ONLY
 * transaction that is rolled back. Existing stamps are ignored, so the figures answer "how would
 * the registry fare under these rules", not "what would the next run stamp".
 */
export async function previewRuleSet(
  db: Database,
  ruleSet: RuleSet,
  options: { top?: number; statementTimeoutMs?: number } = {},
): Promise<RuleSetPreview> {
  const failures = (stage: InspectStage) => compileStageFailuresSql(ruleSet, stage, 'r');
  const sql = `
with judged as materialized (
  select ${failures('pen')} as pen, ${failures('stamp')} as stamp, ${failures('gate')} as gate
    from ${REGISTRY_TABLE} r
   where r.certified = false and r.governance_role = 'governed'
),
counted as (
  select count(*)::int as rows,
         count(*) filter (where cardinality(pen) = 0)::int as pen,
         count(*) filter (where cardinality(pen) = 0 and cardinality(stamp) = 0)::int as stamp,
         count(*) filter (where cardinality(pen) = 0 and cardinality(stamp) = 0 and cardinality(gate) = 0)::int as gate
    from judged
),
failing as (
  select f.stage, f.check_id, count(*)::int as rows
    from judged j
    cross join lateral (
      select 'pen' as stage, unnest(j.pen) as check_id
      union all select 'stamp', unnest(j.stamp) where cardinality(j.pen) = 0
      union all select 'gate', unnest(j.gate) where cardinality(j.pen) = 0 and cardinality(j.stamp) = 0
    ) f
   group by f.stage, f.check_id
   order by count(*) desc, f.check_id
   limit $1::int
)
select c.rows, c.pen, c.stamp, c.gate,
       coalesce((select jsonb_agg(jsonb_build_object('stage', stage, 'checkId', check_id, 'rows', rows)
                                  order by rows desc, check_id) from failing), '[]'::jsonb) as top
  from counted c`;
  const connection = await db.connect();
  let broken: Error | undefined;
  try {
    await connection.query('begin transaction isolation level repeatable read, read only');
    await connection.query('select set_config($1::text, $2::text, true)', [
      'statement_timeout',
      `${options.statementTimeoutMs ?? 60_000}ms`,
    ]);
    const { rows } = await connection.query<{
      rows: number;
      pen: number;
      stamp: number;
      gate: number;
      top: { stage: InspectStage; checkId: string; rows: number }[];
    }>(sql, [options.top ?? 5]);
    const row = rows[0]!;
    return {
      version: ruleSet.version,
      rows: row.rows,
      passing: { pen: row.pen, stamp: row.stamp, gate: row.gate },
      topFailingChecks: row.top,
    };
  } finally {
    await connection.query('rollback').catch((error: Error) => {
      broken = error;
    });
    connection.release(broken);
  }
}
