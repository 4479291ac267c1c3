import {
  type EvidenceRow,
  type MalformedEvidence,
  type Queryable,
  type RunReport,
  sortEvidenceRows,
} from '@birth-lane/contract';
import { inspectStateSql } from '@birth-lane/inspect-contract';
import { loadActiveRuleSet } from '@birth-lane/inspect-producer';

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
    readonly caveat: string;
  };
  readonly lastRuns: readonly RunReport[];
  /**
   * Records among those status read (the last run reports) that do not match the evidence
   * schema: reported by id and skipped, never trusted and never a crash.
   */
  readonly malformedEvidence: readonly MalformedEvidence[];
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

/** Everything `birth-lane status` shows, read in a handful of statements. */
export async function laneStatus(db: Queryable): Promise<LaneStatus> {
  const ambiguous = `${inspectStateSql('inspect_pen', 'inspect_stamp', 'inspect_gate')} = 'ambiguous'`;
  const { rows: counts } = await db.query<{
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
  const registry = counts[0]!;
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
      caveat: 'a session may override the persisted setting',
    },
    lastRuns: runs.records.flatMap((stored) =>
      stored.record.kind === 'run_report' ? [stored.record.report] : [],
    ),
    malformedEvidence: runs.malformed,
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
