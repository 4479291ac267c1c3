import { BIRTH_PEN_FAILURES_FUNCTION, type Queryable, type RuleSet } from '@birth-lane/contract';
import { compileStageFailuresSql } from '../rules/compile-sql.js';

/**
 * The PEN judgement of one row, for the birth gate (the contract's BIRTH_PEN_FAILURES_FUNCTION):
 * the same compiled checks as the inspection's PEN stage, as a function of a registry row.
 *
 * Plain SQL with no SET clause and no SECURITY DEFINER, on purpose: the planner then inlines it
 * into the gate trigger's query, so a birth pays for the checks and not for a function call (the
 * gate runs on every birth; the benchmark mints 100,000). It writes nothing and reads only its
 * argument, so it runs with the caller's rights; its names resolve through pg_catalog, which
 * PostgreSQL searches first unless a search_path names it later, and every lane path that mints
 * (mint_birth, mint_births) pins search_path = pg_catalog, pg_temp.
 */
const FUNCTION_TEMPLATE = `create or replace function birth_lane.birth_pen_failures(r public.birth_registry)
returns text[]
language sql
stable
parallel safe
as %L`;

export async function compileBirthPenFailures(connection: Queryable, ruleSet: RuleSet): Promise<void> {
  const { rows } = await connection.query<{ ddl: string }>(
    'select pg_catalog.format($1::text, $2::text) as ddl',
    [FUNCTION_TEMPLATE, `select ${compileStageFailuresSql(ruleSet, 'pen', 'r')}`],
  );
  await connection.query(rows[0]!.ddl);
  // A pure judgement of the row it is given: anyone who can insert a birth may ask it.
  await connection.query(`grant execute on function ${BIRTH_PEN_FAILURES_FUNCTION} to public`);
}
