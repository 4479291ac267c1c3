import type { Database, PooledConnection, Queryable, Step } from '@birth-lane/contract';
import {
  type CatalogSnapshot,
  catalogSnapshotHash,
  databaseCatalogHash,
  snapshotCatalog,
} from './catalog.js';
import { checkFootprint, describeVerdict } from './footprint-check.js';
import { readLedger } from './install-ledger.js';
import { planFromLedger } from './plan.js';
import { stepVersionHash } from './step-version.js';
import { InstallStopError, type StopConditionName } from './stop-condition.js';

export interface StepRehearsal {
  readonly stepId: string;
  readonly versionHash: string;
  readonly passed: boolean;
  /** The chain's entry catalog (= exit: the proof). */
  readonly entryHash: string;
  /** databaseCatalogHash of the catalog this step ran on in the rehearsal (the chain's entry plus the steps before it). */
  readonly stepEntryHash: string;
  /** The catalog with the step's mutation in place (inside the rehearsal), null if it never got there. */
  readonly mutatedHash: string | null;
  readonly exitHash: string;
  readonly stopCondition: StopConditionName | null;
  readonly failure: string | null;
  /** Objects the mutation added, removed or changed. */
  readonly changed: number;
  /** The ledger's rehearsal id; null while the ledger itself is not installed yet (bootstrap). */
  readonly rehearsalId: string | null;
}

export interface RehearsalReport {
  readonly rehearsals: readonly StepRehearsal[];
  /** The proof: the catalog on entry and on exit (after ROLLBACK) have the same hash. */
  readonly entryHash: string;
  readonly exitHash: string;
  readonly identical: boolean;
  readonly recorded: boolean;
}

/**
 * Rehearses the given steps in plan order inside one BEGIN … ROLLBACK: for each, re-verify,
 * snapshot, mutation, success evidence, snapshot, and its diff against the planned footprint.
 * Then ROLLBACK and snapshot again: entry = exit is the proof the rehearsal left the catalog as
 * it was. Each step's outcome is recorded (after the rollback) through the ledger's definer
 * function; a failed step is recorded as failed, which blocks its apply, and ends the chain.
 */
export async function rehearseSteps(
  db: Database,
  chain: readonly Step[],
  options: { record?: boolean } = {},
): Promise<RehearsalReport> {
  const connection = await db.connect();
  try {
    const entry = await snapshotCatalog(connection);
    const entryHash = catalogSnapshotHash(entry);
    const outcomes: Omit<StepRehearsal, 'exitHash' | 'rehearsalId' | 'passed'>[] = [];
    await connection.query('begin');
    try {
      for (const step of chain) {
        const outcome = await rehearseOne(connection, step, entryHash);
        outcomes.push(outcome);
        if (outcome.failure !== null) break;
      }
    } finally {
      await connection.query('rollback');
    }
    const exitHash = catalogSnapshotHash(await snapshotCatalog(connection));
    const identical = exitHash === entryHash;
    const ledger = await readLedger(connection);
    const record = (options.record ?? true) && ledger.ledgerInstalled;
    const rehearsals: StepRehearsal[] = [];
    for (const outcome of outcomes) {
      const passed = outcome.failure === null && identical;
      const failure =
        outcome.failure ??
        (identical ? null : `the catalog on exit (${exitHash}) differs from entry (${entryHash})`);
      const rehearsal = { ...outcome, failure, passed, exitHash };
      const { callerLacksPrivilege, ...kept } = rehearsal as typeof rehearsal & {
        callerLacksPrivilege?: boolean;
      };
      rehearsals.push({
        ...kept,
        rehearsalId: record && !callerLacksPrivilege ? await recordRehearsal(connection, kept) : null,
      });
    }
    return { rehearsals, entryHash, exitHash, identical, recorded: record };
  } finally {
    connection.release();
  }
}

async function rehearseOne(connection: PooledConnection, step: Step, chainEntryHash: string) {
  const versionHash = stepVersionHash(step);
  const base = { stepId: step.id, versionHash, entryHash: chainEntryHash, stepEntryHash: chainEntryHash };
  const expected = await step.reverify(connection);
  if (!expected.ok) {
    return {
      ...base,
      mutatedHash: null,
      stopCondition: 'reverify_failed' as const,
      failure: expected.observed,
      changed: 0,
    };
  }
  const before = await snapshotCatalog(connection);
  // The step's own entry: this database's catalog it ran on (the chain's entry plus the steps before
  // it; roles and memberships are cluster-wide, left out). An apply must start from the same, or the
  // rehearsal is stale.
  base.stepEntryHash = databaseCatalogHash(before);
  await connection.query('savepoint rehearse_step');
  try {
    await connection.query(step.mutation);
  } catch (error) {
    await connection.query('rollback to savepoint rehearse_step');
    // The caller's own lack of privilege says nothing about the step: such a rehearsal is not
    // recorded, so it cannot become the latest one and block a properly rehearsed, approved step.
    const privilege = (error as { code?: string }).code === '42501';
    return {
      ...base,
      mutatedHash: null,
      stopCondition: null,
      failure: privilege
        ? `the mutation failed for lack of privilege of this login (not recorded): ${(error as Error).message}`
        : `the mutation failed: ${(error as Error).message}`,
      changed: 0,
      callerLacksPrivilege: privilege,
    };
  }
  const evidence = await step.successEvidence(connection);
  const after: CatalogSnapshot = await snapshotCatalog(connection);
  const verdict = checkFootprint(step, before, after);
  const mutatedHash = catalogSnapshotHash(after);
  if (!evidence.ok)
    return {
      ...base,
      mutatedHash,
      stopCondition: null,
      failure: `success evidence: ${evidence.observed}`,
      changed: verdict.changed,
    };
  if (!verdict.ok)
    return {
      ...base,
      mutatedHash,
      stopCondition: verdict.stopCondition,
      failure: describeVerdict(verdict),
      changed: verdict.changed,
    };
  return { ...base, mutatedHash, stopCondition: null, failure: null, changed: verdict.changed };
}

/** Records one rehearsal through birth_lane.record_install_rehearsal; returns its id. */
export async function recordRehearsal(
  db: Queryable,
  rehearsal: Omit<StepRehearsal, 'rehearsalId'>,
): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    'select birth_lane.record_install_rehearsal($1::text, $2::text, $3::boolean, $4::text, $5::text, $6::text, $7::text, $8::jsonb)::text as id',
    [
      rehearsal.stepId,
      rehearsal.versionHash,
      rehearsal.passed,
      rehearsal.entryHash,
      rehearsal.mutatedHash,
      rehearsal.exitHash,
      rehearsal.stopCondition,
      JSON.stringify({
        failure: rehearsal.failure,
        changed: rehearsal.changed,
        stepEntryHash: rehearsal.stepEntryHash,
      }),
    ],
  );
  return rows[0]!.id;
}

/**
 * What `install rehearse [--step S]` rehearses: every step not yet in place, in plan order, or
 * step S with whichever of its prerequisites are not in place yet (they are rehearsed with it,
 * since S cannot run without them). A drifted step stops it.
 */
export async function rehearsalChain(db: Queryable, steps: readonly Step[], only?: string): Promise<Step[]> {
  const plan = planFromLedger(steps, await readLedger(db));
  const drift = plan.steps.find((step) => step.status === 'drift');
  if (drift)
    throw new InstallStopError(
      'drift',
      drift.id,
      'its definition changed since it was applied; it is never re-applied silently',
    );
  const pending = new Set(plan.steps.filter((step) => step.status === 'pending').map((step) => step.id));
  if (only === undefined) return steps.filter((step) => pending.has(step.id));
  const target = steps.find((step) => step.id === only);
  if (target === undefined) throw new Error(`install plan has no step ${only}`);
  if (!pending.has(only)) throw new Error(`install step ${only} is already in place; nothing to rehearse`);
  const needed = new Set<string>([only]);
  for (const step of [...steps].reverse()) {
    if (needed.has(step.id))
      for (const prerequisite of step.prerequisites) if (pending.has(prerequisite)) needed.add(prerequisite);
  }
  return steps.filter((step) => needed.has(step.id));
}
