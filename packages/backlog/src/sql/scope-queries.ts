/** One chunk of a scope, (after, through]: in-scope count and id-hash sum, uncertified rows by state. */
export const SCOPE_CHUNK_SQL =
  'select in_scope::text, id_sum::text, state_none::text as none, state_partial::text as partial, ' +
  'state_complete::text as complete, state_ambiguous::text as ambiguous, observed::text ' +
  'from birth_lane.backlog_scope_chunk($1::bigint, $2::bigint)';

export interface ScopeChunkRow {
  in_scope: string;
  id_sum: string;
  none: string;
  partial: string;
  complete: string;
  ambiguous: string;
  observed: string;
}

/** The id of the n-th in-scope row after $1 up to $2, or null. */
export const NTH_IN_SCOPE_SQL =
  'select birth_lane.backlog_nth_in_scope($1::bigint, $2::bigint, $3::bigint)::text as id';

export const HIGHEST_ID_SQL = 'select birth_lane.backlog_highest_id()::text as id';

/** The active rule set, and the one the inspection function was compiled for (they must agree). */
export const ACTIVE_RULE_SET_SQL = `
  select a.version, a.hash, c.hash as compiled_hash
    from birth_lane.compiled_rule_set() c
    left join birth_lane.rule_sets a on a.status = 'active'`;

/**
 * Measured throughput: rows per second over the most recent finished runs (producer and backlog
 * alike) that inspected at least 1,000 rows, from the server's own run bookkeeping.
 */
export const MEASURED_THROUGHPUT_SQL = `
  select sum(r.scanned + r.skipped)::float8 as rows,
         sum(extract(epoch from r.ended_at - r.started_at))::float8 as seconds,
         count(*)::int as runs
    from (select scanned, skipped, started_at, ended_at from birth_lane.producer_runs
           where ended_at is not null and outcome in ('completed', 'stopped') and scanned + skipped >= 1000
           order by ended_at desc limit 20) r`;

export const REQUEST_APPROVAL_SQL =
  "select birth_lane.request_approval('backlog_pass', $1::jsonb, 'high', $2::text, $3::interval)::text as id";
