import type { Queryable, RuleSet } from '@birth-lane/contract';
import { type BatchInputs, producerBatchSql } from './batch-sql.js';

/** The batch statement's inputs inside birth_lane.inspect_batch: its parameters and variables. */
const BATCH_INPUTS: BatchInputs = {
  runId: 'p_run_id',
  afterId: 'v_after',
  untilId: 'p_until_id',
  batchSize: 'p_batch_size',
  ruleSetHash: 'v_hash',
  now: 'v_now',
};

export const INSPECT_BATCH_FUNCTION = 'birth_lane.inspect_batch(uuid,bigint,bigint,integer)';

/**
 * `create or replace function birth_lane.inspect_batch` with its body left as `%L`: the body holds
 * rule-set text (patterns, values, messages), so the server's format('%L') quotes it. A literal
 * quoted that way cannot be ended by any text, unlike a dollar tag a rule set could contain.
 *
 * `jit = off`: the batch statement's estimated cost (inflated by the evidence insert's row
 * estimate) passes jit_above_cost, and PostgreSQL JIT-compiles its ~50 expressions again at every
 * execution; for a batch that costs more than it saves. Measured on PostgreSQL 15, EXPLAIN ANALYZE
 * of one 12,000-row batch: 480-490 ms with JIT (about 110 ms of it compiling), 320-330 ms without.
 * `work_mem = '64MB'`: the locked candidate rows are kept in memory for the batch (about 5 MB for
 * 20,000 rows); at the 4 MB default they spill to a temporary file.
 */
const FUNCTION_TEMPLATE = `create or replace function birth_lane.inspect_batch(
  p_run_id uuid, p_after_id bigint, p_until_id bigint, p_batch_size integer)
returns table (taken integer, scanned integer, skipped integer, ambiguous integer,
               passed_pen integer, passed_stamp integer, passed_gate integer,
               failed_pen integer, failed_stamp integer, failed_gate integer,
               last_id text, stamped_rows integer, evidence_appended integer)
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
set jit = off
set work_mem = '64MB'
as %L`;

/**
 * The body, a format() template: %1$L the rule set's hash, %2$L its version, %3$s the batch
 * statement (written over this body's variables; see BATCH_INPUTS). No other `%` may appear here,
 * so messages are built with `||`.
 *
 * Before judging anything it checks that the run was begun with begin_run by this same login
 * and is not finished, and that the active rule set (and the run's) is the one compiled here;
 * otherwise it refuses (BL001, the constraint names the rule) and nothing is written. After the
 * batch it adds the counts to the run's server-side bookkeeping, so a client cannot report counts
 * of its own. The batch statement is static SQL, so PL/pgSQL prepares it once per session and,
 * after a few batches, PostgreSQL reuses one generic plan instead of planning each batch (about
 * 9 ms each through EXECUTE). Such a plan suits every batch: an index range over the uncertified
 * ids (both bounds are plain comparisons), then rows found by ctid.
 */
const BODY_TEMPLATE = `
#variable_conflict use_column
declare
  v_run record;
  v_active text;
  v_now timestamptz := pg_catalog.clock_timestamp();
  v_after bigint := coalesce(p_after_id, -9223372036854775808);
  v_prior record;
  v_hash text := %1$L;
  v_batch record;
begin
  if p_batch_size is null or p_batch_size < 1 or p_batch_size > 50000 then
    raise exception using errcode = '22023',
      message = 'p_batch_size must be 1 to 50000, got ' || coalesce(p_batch_size::text, 'null');
  end if;
  select r.rule_set_hash, r.started_by, r.ended_at into v_run
    from birth_lane.producer_runs r where r.run_id = p_run_id;
  if not found then
    raise exception using errcode = 'BL001', constraint = 'run_not_begun',
      message = 'run ' || coalesce(p_run_id::text, 'null') || ' was not begun with birth_lane.begin_run; nothing was inspected';
  end if;
  if v_run.started_by <> session_user then
    raise exception using errcode = 'BL001', constraint = 'run_of_another_login',
      message = 'run ' || p_run_id::text || ' was begun by another login; nothing was inspected';
  end if;
  if v_run.ended_at is not null then
    raise exception using errcode = 'BL001', constraint = 'run_finished',
      message = 'run ' || p_run_id::text || ' is already finished; nothing was inspected';
  end if;
  select a.hash into v_active from birth_lane.rule_sets a where a.status = 'active';
  if v_active is distinct from %1$L or v_run.rule_set_hash is distinct from %1$L then
    raise exception using errcode = 'BL001', constraint = 'rule_set_not_compiled',
      message = 'SOURCE_RECOVERY_REQUIRED: the inspection was compiled for rule set ' || %2$L
        || ' (' || %1$L || ') but the active one is ' || coalesce(v_active, 'none')
        || ' and the run began under ' || coalesce(v_run.rule_set_hash, 'none')
        || '; activate a rule set (with an approval) to recompile it. Nothing was stamped.';
  end if;

  -- One server time per batch, taken when the batch starts (not the caller's transaction start,
  -- which a caller could hold open to backdate stamps or push births into the future): every
  -- stamp and the not-in-the-future check of this batch use it, so pen <= stamp <= gate holds.
  %3$s
  into v_batch;

  update birth_lane.producer_runs r
     set batches = r.batches + 1, scanned = r.scanned + v_batch.scanned, skipped = r.skipped + v_batch.skipped,
         ambiguous = r.ambiguous + v_batch.ambiguous,
         passed_pen = r.passed_pen + v_batch.passed_pen, passed_stamp = r.passed_stamp + v_batch.passed_stamp,
         passed_gate = r.passed_gate + v_batch.passed_gate,
         failed_pen = r.failed_pen + v_batch.failed_pen, failed_stamp = r.failed_stamp + v_batch.failed_stamp,
         failed_gate = r.failed_gate + v_batch.failed_gate
   where r.run_id = p_run_id and r.ended_at is null;
  if not found then
    -- finish_run closed the run while this batch ran: undo the batch rather than count it nowhere.
    raise exception using errcode = 'BL001', constraint = 'run_finished',
      message = 'run ' || p_run_id::text || ' was finished while this batch ran; the batch was undone';
  end if;

  -- Each id is counted at most once per run: the rows this batch took lie in (after, last_id];
  -- a range overlapping one already recorded for the run is refused and the batch undone. The
  -- run row is locked by the update above, so concurrent batches of one run check in turn. The
  -- recorded ranges of a run never overlap, so the nearest one below the new range's end decides.
  if v_batch.taken > 0 then
    select g.after_id, g.through_id into v_prior
      from birth_lane.producer_run_ranges g
     where g.run_id = p_run_id and g.after_id < v_batch.last_id::bigint
     order by g.after_id desc
     limit 1;
    if found and v_prior.through_id > v_after then
      raise exception using errcode = 'BL001', constraint = 'run_range_inspected',
        message = 'run ' || p_run_id::text || ' already inspected ids (' || v_prior.after_id::text || ', '
          || v_prior.through_id::text || '], which overlap this batch (' || v_after::text || ', ' || v_batch.last_id
          || ']; a run counts each id once. The batch was undone';
    end if;
    insert into birth_lane.producer_run_ranges (run_id, after_id, through_id)
    values (p_run_id, v_after, v_batch.last_id::bigint);
  end if;

  return query select v_batch.taken, v_batch.scanned, v_batch.skipped, v_batch.ambiguous, v_batch.passed_pen, v_batch.passed_stamp, v_batch.passed_gate,
                      v_batch.failed_pen, v_batch.failed_stamp, v_batch.failed_gate, v_batch.last_id, v_batch.stamped_rows, v_batch.evidence_appended;
end`;

/** What the inspection in the database was compiled for; `{ version: null, hash: null }` before any activation. */
const COMPILED_TEMPLATE = `create or replace function birth_lane.compiled_rule_set(out version text, out hash text)
language sql immutable
set search_path = pg_catalog, pg_temp
as %L`;

/**
 * Compiles `ruleSet` into birth_lane.inspect_batch (and birth_lane.compiled_rule_set, which says
 * what it was compiled for). Every piece of rule-set text is quoted by the server's format('%L'),
 * twice nested: the batch statement into the body, the body into the CREATE statement. Run it
 * as the lane owner inside the activation's transaction, so the function and the active rule set
 * change together.
 */
export async function compileInspectBatch(
  connection: Queryable,
  ruleSet: RuleSet,
  hash: string,
): Promise<void> {
  const { rows } = await connection.query<{ inspect: string; compiled: string }>(
    `select pg_catalog.format($1::text, pg_catalog.format($2::text, $3::text, $4::text, $5::text)) as inspect,
            pg_catalog.format($6::text, pg_catalog.format('select %L::text, %L::text', $4::text, $3::text)) as compiled`,
    [
      FUNCTION_TEMPLATE,
      BODY_TEMPLATE,
      hash,
      ruleSet.version,
      producerBatchSql(ruleSet, BATCH_INPUTS),
      COMPILED_TEMPLATE,
    ],
  );
  const ddl = rows[0]!;
  await connection.query(ddl.inspect);
  await connection.query(ddl.compiled);
  // CREATE OR REPLACE keeps the privileges of the function it replaces; state them anyway, so a
  // function first created here (not by the install step) is not left executable by PUBLIC.
  await connection.query(
    'revoke all on function birth_lane.inspect_batch(uuid, bigint, bigint, integer) from public',
  );
  await connection.query(
    'grant execute on function birth_lane.inspect_batch(uuid, bigint, bigint, integer) to birth_lane_producer',
  );
}
