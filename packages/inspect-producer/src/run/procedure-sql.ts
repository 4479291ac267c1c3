import { quoteLiteral, type RuleSet, ruleSetHash, type Step, sqlStep } from '@birth-lane/contract';
import { producerBatchSql } from './batch-sql.js';

export const PRODUCER_PROCEDURE = 'birth_lane.run_producer(integer,integer,text)';

/**
 * The producer as a database procedure, `call birth_lane.run_producer(batch_size, time_budget_ms,
 * channel)`, so a scheduler inside PostgreSQL (pg_cron) runs it with no Node process. It runs the
 * very same batch statement as the TypeScript runner, committing after each batch, and stops when
 * its time budget is spent (keep the budget well under the statement timeout: the whole CALL is
 * one statement). It is compiled for one rule set: if another is active when it runs, it stamps
 * nothing and reports `source_recovery_required` until it is reinstalled.
 */
export function producerProcedureSql(ruleSet: RuleSet): string {
  const hash = quoteLiteral(ruleSetHash(ruleSet));
  const version = quoteLiteral(ruleSet.version);
  const batch = producerBatchSql(ruleSet);
  if (batch.includes('$producer_batch$')) throw new Error('batch SQL contains the procedure quote tag');
  return `
create or replace procedure birth_lane.run_producer(
  p_batch_size integer default 2000,
  p_time_budget_ms integer default 3000,
  p_channel text default 'pg-cron')
language plpgsql
as $procedure$
declare
  v_run uuid := gen_random_uuid();
  v_started timestamptz := clock_timestamp();
  v_after bigint;
  v_batch record;
  v_active text;
  v_outcome text := 'completed';
  v_detail text;
  v_version text := ${version};
  t_scanned bigint := 0; t_skipped bigint := 0; t_ambiguous bigint := 0;
  t_pen bigint := 0; t_stamp bigint := 0; t_gate bigint := 0;
  f_pen bigint := 0; f_stamp bigint := 0; f_gate bigint := 0;
begin
  if p_batch_size is null or p_batch_size < 1 or p_batch_size > 50000 then
    raise exception using errcode = '22023', message = format('p_batch_size must be 1 to 50000, got %s', p_batch_size);
  end if;
  select hash into v_active from birth_lane.rule_sets where status = 'active';
  if v_active is distinct from ${hash} then
    v_outcome := 'source_recovery_required';
    v_version := null;
    v_detail := format('SOURCE_RECOVERY_REQUIRED: the procedure was compiled for rule set %s (%s) but the active one is %s; reinstall it',
                       ${version}, ${hash}, coalesce(v_active, 'none'));
  else
    insert into birth_lane.producer_cursor (name) values ('run_producer') on conflict (name) do nothing;
    select case when rule_set_hash is distinct from ${hash} then 0 else after_id end into v_after
      from birth_lane.producer_cursor where name = 'run_producer';
    loop
      if clock_timestamp() - v_started > make_interval(secs => p_time_budget_ms / 1000.0) then
        v_outcome := 'stopped';
        v_detail := format('time budget of %s ms spent; the next call resumes after id %s', p_time_budget_ms, v_after);
        exit;
      end if;
      execute $producer_batch$${batch}$producer_batch$
        into v_batch
        using v_run, v_after, null::bigint, p_batch_size, ${hash};
      if v_batch.taken = 0 then
        v_after := 0;
      else
        v_after := v_batch.last_id::bigint;
        t_scanned := t_scanned + v_batch.scanned; t_skipped := t_skipped + v_batch.skipped;
        t_ambiguous := t_ambiguous + v_batch.ambiguous;
        t_pen := t_pen + v_batch.passed_pen; t_stamp := t_stamp + v_batch.passed_stamp; t_gate := t_gate + v_batch.passed_gate;
        f_pen := f_pen + v_batch.failed_pen; f_stamp := f_stamp + v_batch.failed_stamp; f_gate := f_gate + v_batch.failed_gate;
      end if;
      update birth_lane.producer_cursor set after_id = v_after, rule_set_hash = ${hash}, updated_at = now()
       where name = 'run_producer';
      commit;
      exit when v_batch.taken = 0;
    end loop;
  end if;
  insert into birth_lane.evidence (kind, run_id, rule_set_hash, message, payload)
  values ('run_report', v_run, case when v_version is null then null else ${hash} end, v_outcome,
    jsonb_build_object('kind', 'run_report', 'report',
      jsonb_build_object(
        'runId', v_run, 'ruleSetVersion', v_version,
        'ruleSetHash', case when v_version is null then null else ${hash} end,
        'channel', p_channel, 'outcome', v_outcome, 'startedAt', v_started, 'endedAt', clock_timestamp(),
        'scanned', t_scanned, 'skipped', t_skipped, 'ambiguous', t_ambiguous,
        'passed', jsonb_build_object('pen', t_pen, 'stamp', t_stamp, 'gate', t_gate),
        'failed', jsonb_build_object('pen', f_pen, 'stamp', f_stamp, 'gate', f_gate))
      || case when v_detail is null then '{}'::jsonb else jsonb_build_object('detail', v_detail) end));
  commit;
end;
$procedure$;

grant execute on procedure birth_lane.run_producer(integer, integer, text) to birth_lane_producer;`;
}

/** Installing the procedure for a rule set, as an install step (re-run it after activating another). */
export function producerProcedureStep(ruleSet: RuleSet): Step {
  return sqlStep({
    id: 'inspect-producer/0003_run_producer_procedure',
    title: `database-side producer procedure for rule set ${ruleSet.version}`,
    risk: 'medium',
    prerequisites: ['inspect-producer/0002_producer_cursor'],
    mutation: producerProcedureSql(ruleSet),
    rollback: 'drop procedure if exists birth_lane.run_producer(integer, integer, text);',
    footprint: [`function:${PRODUCER_PROCEDURE}`],
  });
}
