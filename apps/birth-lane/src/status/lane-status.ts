import {
  type EvidenceRow,
  type MalformedEvidence,
  type Queryable,
  type RunReport,
  sortEvidenceRows,
} from '@birth-lane/contract';
import { inspectStateSql } from '@birth-lane/inspect-contract';
import { loadActiveRuleSet } from '@birth-lane/inspect-producer';
import { type FailingCheck, topFailingChecks } from './top-failures.js';

export interface LaneStatus {
  readonly registry: {
    readonly total: number;
    readonly governed: number;
    readonly observed: number;
    readonly stamped: { readonly pen: number; readonly stamp: number; readonly gate: number };
    readonly certified: number;
    readonly ambiguous: number;
    /** Uncertified governed rows: the producer's work. */
    readonly backlog: number;
    readonly oldestBacklogBornAt: string | null;
    readonly backlogAgeSeconds: number | null;
    /**
     * Rows whose born_at is 'infinity' or '-infinity' (minted before mint_birth refused them):
     * reported, and left out of the backlog age, never a crash.
     */
    readonly nonFiniteBornAt: number;
  };
  readonly ruleSet: { readonly version: string; readonly hash: string } | { readonly error: string };
  readonly gate: {
    readonly mode: string | null;
    readonly layer: 'database' | 'unset';
    /** Where the mode line comes from, for people. */
    readonly source: string;
    readonly caveat: string;
    readonly docs: string;
  };
  readonly lastRuns: readonly RunReport[];
  /**
   * Records among those status read (the last run reports) that do not match the evidence
   * schema: reported by id and skipped, never trusted and never a crash.
   */
  readonly malformedEvidence: readonly MalformedEvidence[];
  /** Only with `detail` (status): why each backlog row is still uncertified, and what waits on people. */
  readonly backlogByCause?: BacklogByCause;
  readonly topFailingChecks?: readonly FailingCheck[];
  readonly pendingPromotions?: {
    readonly count: number;
    readonly oldest: readonly {
      readonly requestId: string;
      readonly rowId: string;
      readonly entityCode: string | null;
      readonly requestedAt: string;
      readonly quorumMet: boolean;
      readonly votes: number;
    }[];
  };
  readonly producers: readonly {
    readonly instanceId: string;
    readonly channel: string;
    readonly host: string;
    readonly pid: number;
    readonly state: string;
    readonly beatAt: string;
    readonly secondsSinceBeat: number;
  }[];
}

/** Why the uncertified governed rows are not certified yet (they add up to the backlog). */
export interface BacklogByCause {
  /** No stamp and no failure on record under the active rule set: no run has reached them. */
  readonly neverInspected: number;
  /** A failure on record under the active rule set, by the earliest failing stage. */
  readonly failing: { readonly pen: number; readonly stamp: number; readonly gate: number };
  /** Stamps out of order: never continued, never certified; a person must look. */
  readonly ambiguous: number;
  /** All three stamps in order, in a canonical collection: waits for an approved promotion. */
  readonly awaitingPromotion: number;
  /** Part-way through (or failing only under an older rule set): the next run continues them. */
  readonly inProgress: number;
}

/** Everything `birth-lane status` shows, read in a handful of statements. */
export async function laneStatus(db: Queryable, options: { detail?: boolean } = {}): Promise<LaneStatus> {
  const ambiguous = `${inspectStateSql('inspect_pen', 'inspect_stamp', 'inspect_gate')} = 'ambiguous'`;
  // The registry-wide counts scan the whole table: started first, they run on one pooled
  // connection while the smaller reads below run on another, then joined.
  const countsQuery = db.query<{
    total: number;
    governed: number;
    observed: number;
    pen: number;
    stamp: number;
    gate: number;
    certified: number;
    ambiguous: number;
    backlog: number;
    non_finite_born_at: number;
    oldest: Date | null;
    age: number | null;
  }>(
    `select count(*)::int as total,
            count(*) filter (where governance_role = 'governed')::int as governed,
            count(*) filter (where governance_role = 'observed')::int as observed,
            count(inspect_pen)::int as pen, count(inspect_stamp)::int as stamp, count(inspect_gate)::int as gate,
            count(*) filter (where certified)::int as certified,
            count(*) filter (where ${ambiguous})::int as ambiguous,
            count(*) filter (where not certified and governance_role = 'governed')::int as backlog,
            count(*) filter (where not isfinite(born_at))::int as non_finite_born_at,
            min(born_at) filter (where not certified and governance_role = 'governed' and isfinite(born_at)) as oldest,
            extract(epoch from now() - min(born_at) filter (
              where not certified and governance_role = 'governed' and isfinite(born_at)))::float8 as age
       from public.birth_registry`,
  );
  countsQuery.catch(() => undefined); // awaited below; this only keeps an early failure from being unhandled
  const active = await loadActiveRuleSet(db);
  const { rows: gateRows } = await db.query<{ mode: string | null }>(
    `select (select split_part(setting, '=', 2) from unnest(s.setconfig) as setting
              where setting like 'app.birth_gate_mode=%') as mode
       from pg_db_role_setting s
      where s.setdatabase = (select oid from pg_database where datname = current_database()) and s.setrole = 0`,
  );
  const mode = gateRows[0]?.mode ?? null;
  const { rows: runRows } = await db.query<EvidenceRow>(
    // Ordered by the table's bigint column: `order by id` would sort the text output column, and
    // `85` > `16086` as text would hide the newest runs.
    `select e.id::text as id, e.kind, e.recorded_at, e.recorded_by, e.payload from birth_lane.evidence e
      where e.kind = 'run_report' order by e.id desc limit 5`,
  );
  const runs = sortEvidenceRows(runRows);
  const hash = active.ok ? active.hash : null;
  const detail = options.detail
    ? {
        backlogByCause: await backlogByCause(db, ambiguous, hash),
        topFailingChecks: await topFailingChecks(db, { ruleSetHash: hash ?? undefined }),
        pendingPromotions: await pendingPromotions(db),
      }
    : {};
  const registry = (await countsQuery).rows[0]!;
  const { rows: beats } = await db.query<{
    instance_id: string;
    channel: string;
    host: string;
    pid: number;
    state: string;
    beat_at: Date;
    since: number;
  }>(
    `select instance_id, channel, host, pid, state, beat_at, extract(epoch from now() - beat_at)::float8 as since
       from birth_lane.producer_heartbeats where state <> 'stopped' order by beat_at desc`,
  );
  return {
    registry: {
      total: registry.total,
      governed: registry.governed,
      observed: registry.observed,
      stamped: { pen: registry.pen, stamp: registry.stamp, gate: registry.gate },
      certified: registry.certified,
      ambiguous: registry.ambiguous,
      backlog: registry.backlog,
      oldestBacklogBornAt: registry.oldest?.toISOString() ?? null,
      backlogAgeSeconds: registry.age === null ? null : Math.round(registry.age),
      nonFiniteBornAt: registry.non_finite_born_at,
    },
    ruleSet: active.ok ? { version: active.ruleSet.version, hash: active.hash } : { error: active.reason },
    gate: {
      mode,
      layer: mode === null ? 'unset' : 'database',
      source:
        mode === null
          ? 'no app.birth_gate_mode in pg_db_role_setting for this database (ALTER DATABASE … SET app.birth_gate_mode)'
          : 'ALTER DATABASE … SET app.birth_gate_mode (pg_db_role_setting, this database, all roles)',
      caveat: 'a session may override the persisted setting',
      docs: 'apps/birth-lane/docs/status.md#gate-mode',
    },
    lastRuns: runs.records.flatMap((stored) =>
      stored.record.kind === 'run_report' ? [stored.record.report] : [],
    ),
    malformedEvidence: runs.malformed,
    ...detail,
    producers: beats.map((beat) => ({
      instanceId: beat.instance_id,
      channel: beat.channel,
      host: beat.host,
      pid: beat.pid,
      state: beat.state,
      beatAt: beat.beat_at.toISOString(),
      secondsSinceBeat: Math.round(beat.since),
    })),
  };
}

async function backlogByCause(
  db: Queryable,
  ambiguous: string,
  ruleSetHash: string | null,
): Promise<BacklogByCause> {
  const { rows } = await db.query<{
    never: number;
    pen: number;
    stamp: number;
    gate: number;
    ambiguous: number;
    awaiting: number;
    progress: number;
  }>(
    `with failing as (
       select row_id, min(case stage when 'pen' then 1 when 'stamp' then 2 else 3 end) as stage
         from birth_lane.evidence
        where kind = 'inspection_failure' and rule_set_hash = $1::text
        group by row_id),
     backlog as (
       select (${ambiguous}) as is_ambiguous, f.stage,
              r.inspect_pen is null and r.inspect_stamp is null and r.inspect_gate is null as unstamped,
              r.inspect_pen is not null and r.inspect_stamp is not null and r.inspect_gate is not null as complete,
              coalesce(r.collection_name = any (birth_lane.canonical_collection_list()), false) as canonical
         from public.birth_registry r left join failing f on f.row_id = r.id
        where not r.certified and r.governance_role = 'governed')
     select count(*) filter (where not is_ambiguous and stage is null and unstamped)::int as never,
            count(*) filter (where not is_ambiguous and stage = 1)::int as pen,
            count(*) filter (where not is_ambiguous and stage = 2)::int as stamp,
            count(*) filter (where not is_ambiguous and stage = 3)::int as gate,
            count(*) filter (where is_ambiguous)::int as ambiguous,
            count(*) filter (where not is_ambiguous and stage is null and complete and canonical)::int as awaiting,
            count(*) filter (where not is_ambiguous and stage is null and not unstamped and not (complete and canonical))::int as progress
       from backlog`,
    [ruleSetHash],
  );
  const r = rows[0]!;
  return {
    neverInspected: r.never,
    failing: { pen: r.pen, stamp: r.stamp, gate: r.gate },
    ambiguous: r.ambiguous,
    awaitingPromotion: r.awaiting,
    inProgress: r.progress,
  };
}

async function pendingPromotions(db: Queryable): Promise<NonNullable<LaneStatus['pendingPromotions']>> {
  const { rows } = await db.query<{
    id: string;
    row_id: string;
    entity_code: string | null;
    created_at: Date;
    met: boolean;
    votes: number;
    total: number;
  }>(
    `select q.id::text as id, q.scope->>'rowId' as row_id, r.entity_code, q.created_at,
            birth_lane.approval_quorum_met(q.id) as met,
            (select count(*)::int from birth_lane.approval_votes v where v.request_id = q.id) as votes,
            count(*) over ()::int as total
       from birth_lane.approval_requests q
       -- by the primary key (a text comparison would scan the registry); a malformed scope matches nothing
       left join public.birth_registry r
         on r.id = case when q.scope->>'rowId' ~ '^[0-9]{1,18}$' then (q.scope->>'rowId')::bigint end
      where q.action = 'promotion' and coalesce(r.certified, false) = false
      order by q.id
      limit 5`,
  );
  return {
    count: rows[0]?.total ?? 0,
    oldest: rows.map((row) => ({
      requestId: row.id,
      rowId: row.row_id,
      entityCode: row.entity_code,
      requestedAt: row.created_at.toISOString(),
      quorumMet: row.met,
      votes: row.votes,
    })),
  };
}
