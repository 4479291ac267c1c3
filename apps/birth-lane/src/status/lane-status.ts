import { type MalformedPass, type PassStatus, readPassStatus } from '@birth-lane/backlog';
import {
  type BacklogByCause,
  type FailingCheck,
  type MalformedEvidence,
  type MalformedHeartbeat,
  type MalformedSetting,
  type PendingPromotions,
  type Queryable,
  type RegistryCounts,
  type RunReport,
  readBacklogByCause,
  readGateSettings,
  readPendingPromotions,
  readRegistryCounts,
  readRuns,
  readStandingProducers,
  readTopFailingChecks,
  SQLSTATE,
  type StandingProducer,
  sqlStateOf,
} from '@birth-lane/contract';
import { readPersistedGateLayers } from '@birth-lane/gate-policy';
import { loadActiveRuleSet } from '@birth-lane/inspect-producer';

export interface LaneStatus {
  readonly registry: RegistryCounts;
  readonly ruleSet: { readonly version: string; readonly hash: string } | { readonly error: string };
  readonly gate: {
    readonly mode: string | null;
    readonly layer: 'database' | 'unset';
    /** Where the mode line comes from, for people. */
    readonly source: string;
    readonly caveat: string;
    readonly docs: string;
    /** Persisted gate settings the gate would not understand (only when there are any). */
    readonly malformed?: readonly MalformedSetting[];
    /**
     * What the gate policy reports as risks in every persisted layer (database, role, role in
     * database, all roles): a persisted bypass, a role persisting another mode, a malformed value.
     */
    readonly risks: readonly string[];
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
  readonly pendingPromotions?: PendingPromotions;
  readonly producers: readonly StandingProducer[];
  /** The latest backlog passes (scope, done, rate, ETA, state); empty where the backlog block is not installed. */
  readonly backlogPasses: readonly (PassStatus | MalformedPass)[];
  /** Heartbeat rows that do not match the heartbeat schema (only when there are any). */
  readonly malformedHeartbeats?: readonly MalformedHeartbeat[];
}

/**
 * Everything `birth-lane status` shows, composed from the contract's readers and the inspect
 * producer's active rule set.
 */
export async function laneStatus(db: Queryable, options: { detail?: boolean } = {}): Promise<LaneStatus> {
  // The registry-wide counts scan the whole table: started first, they run on one pooled
  // connection while the smaller reads below run on another, then joined.
  const countsRead = readRegistryCounts(db);
  countsRead.catch(() => undefined); // awaited below; this only keeps an early failure from being unhandled
  const active = await loadActiveRuleSet(db);
  const gate = await readGateSettings(db);
  const layers = await readPersistedGateLayers(db);
  const runs = await readRuns(db, { limit: 5 });
  const hash = active.ok ? active.hash : null;
  const detail = options.detail
    ? {
        backlogByCause: await readBacklogByCause(db, hash),
        topFailingChecks: await readTopFailingChecks(db, { ruleSetHash: hash ?? undefined }),
        pendingPromotions: await readPendingPromotions(db),
      }
    : {};
  const registry = await countsRead;
  const standing = await readStandingProducers(db);
  const backlogPasses = await readPassStatus(db, { limit: 3 }).catch((error: unknown) => {
    // A lane installed before the backlog block has no pass table: no pass to show.
    if (sqlStateOf(error) === SQLSTATE.undefinedTable) return [];
    throw error;
  });
  const mode = gate.reading.mode;
  return {
    registry,
    ruleSet: active.ok ? { version: active.ruleSet.version, hash: active.hash } : { error: active.reason },
    gate: {
      mode,
      layer: mode === null ? 'unset' : 'database',
      source:
        mode === null
          ? 'no app.birth_gate_mode in pg_db_role_setting for this database (ALTER DATABASE … SET app.birth_gate_mode)'
          : 'ALTER DATABASE … SET app.birth_gate_mode (pg_db_role_setting, this database, all roles)',
      caveat: gate.reading.caveat,
      docs: 'apps/birth-lane/docs/status.md#gate-mode',
      ...(gate.malformed.length > 0 ? { malformed: gate.malformed } : {}),
      risks: layers.risks,
    },
    lastRuns: runs.runs.map(({ evidenceId: _evidenceId, ...report }) => report),
    malformedEvidence: runs.malformed,
    ...detail,
    producers: standing.producers,
    backlogPasses,
    ...(standing.malformed.length > 0 ? { malformedHeartbeats: standing.malformed } : {}),
  };
}
