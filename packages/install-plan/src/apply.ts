import type { Database, PooledConnection, Step } from '@birth-lane/contract';
import { adoptLegacySteps } from './adopt.js';
import { assertApprovalCoversRisk } from './approval-risk.js';
import {
  type CatalogSnapshot,
  catalogSnapshotHash,
  databaseCatalogHash,
  snapshotCatalog,
} from './catalog.js';
import { checkFootprint, describeVerdict } from './footprint-check.js';
import { idleInTransactionSessions, loginMayInstall, readLedger, rehearsalKey } from './install-ledger.js';
import { type InstallPlan, planFromLedger } from './plan.js';
import { recordRehearsal, rehearseSteps } from './rehearse.js';
import { legacyStepDigest, stepVersionHash } from './step-version.js';
import { InstallStopError, stopConditionForDatabaseError } from './stop-condition.js';

export interface AppliedStep {
  readonly stepId: string;
  readonly versionHash: string;
  readonly kind: 'approved' | 'bootstrap';
  readonly approvalId: string | null;
  readonly applicationId: string;
  readonly beforeHash: string;
  readonly afterHash: string;
}

export interface ApplyReport {
  readonly planHash: string;
  readonly applied: readonly AppliedStep[];
  readonly adopted: readonly string[];
  readonly alreadyInPlace: readonly string[];
}

/** Pause points for tests and operators' tooling: the step's change is in place, not yet checked or committed. */
export interface ApplyHooks {
  beforeFootprintCheck?(step: Step): Promise<void>;
}

export interface ApplyOptions {
  /** Step id → the id of its install_step approval. */
  readonly approvals?: ReadonlyMap<string, string>;
  /** Apply only this step (its prerequisites must be in place). */
  readonly only?: string;
  readonly hooks?: ApplyHooks;
}

/**
 * Applies the plan's steps that are not in place, in order, each in its own transaction, each
 * only with its own approval. Steps the previous release's installer applied with the same SQL
 * are adopted first. In each transaction: the ledger's view (drift, prerequisites, a passed
 * rehearsal of this version), no session idle in transaction, the step's re-verify; then the
 * mutation, its success evidence, the catalog diff against its footprint (the after-snapshot is
 * taken just before commit, so an object another session adds meanwhile is caught); then the
 * ledger's definer function consumes the approval and records the step. Any stop rolls back.
 */
export async function applyPlan(
  db: Database,
  steps: readonly Step[],
  options: ApplyOptions = {},
): Promise<ApplyReport> {
  await stopUnlessInstaller(db, options.only ?? null);
  const initial = planFromLedger(steps, await readLedger(db));
  if (!initial.ledgerInstalled)
    throw new InstallStopError(
      'approval_missing',
      null,
      'the install ledger is not installed yet: run `install apply --bootstrap` first (the steps that must exist before any approval can)',
    );
  const adopted = await adoptLegacySteps(db, steps);
  const plan = planFromLedger(steps, await readLedger(db));
  stopOnDrift(plan);
  let targets = plan.steps.filter((step) => step.status === 'pending');
  if (options.only !== undefined) {
    const only = plan.steps.find((step) => step.id === options.only);
    if (only === undefined) throw new Error(`install plan has no step ${options.only}`);
    targets = targets.filter((step) => step.id === options.only);
  }
  const applied: AppliedStep[] = [];
  const connection = await db.connect();
  try {
    for (const target of targets) {
      const step = steps.find((candidate) => candidate.id === target.id)!;
      const approvalId = options.approvals?.get(step.id);
      if (approvalId === undefined)
        throw new InstallStopError(
          'approval_missing',
          step.id,
          `no approval given for this step (install_step, scope {"step":"${step.id}","versionHash":"${target.versionHash}"})`,
        );
      applied.push(await applyOne(connection, step, approvalId, plan.planHash, options.hooks));
    }
  } finally {
    connection.release();
  }
  const alreadyInPlace = plan.steps.filter((step) => step.status === 'applied').map((step) => step.id);
  return { planHash: plan.planHash, applied, adopted, alreadyInPlace };
}

/**
 * `install apply --bootstrap`: the steps that must exist before any approval can (registry,
 * evidence, approvals, roles, the install ledger), rehearsed, then applied in one transaction and
 * recorded as bootstrap steps — only while no approved step was ever applied (the ledger's
 * function refuses after that: the window closes for good).
 */
export async function applyBootstrap(
  db: Database,
  steps: readonly Step[],
  options: { hooks?: ApplyHooks } = {},
): Promise<ApplyReport> {
  const plan = planFromLedger(steps, await readLedger(db));
  stopOnDrift(plan);
  const chain = steps.filter((step) =>
    plan.steps.find((entry) => entry.id === step.id && entry.bootstrap && entry.status === 'pending'),
  );
  const applied: AppliedStep[] = [];
  if (chain.length > 0) {
    const rehearsal = await rehearseSteps(db, chain);
    const failed = rehearsal.rehearsals.find((entry) => !entry.passed);
    if (failed !== undefined || rehearsal.rehearsals.length < chain.length)
      throw new InstallStopError(
        failed?.stopCondition ?? 'step_not_rehearsed',
        failed?.stepId ?? null,
        `the bootstrap rehearsal failed: ${failed?.failure ?? 'incomplete'}`,
      );
    const connection = await db.connect();
    try {
      await connection.query('begin');
      try {
        await connection.query("select pg_advisory_xact_lock(hashtext('birth_lane.install'))");
        await stopOnIdleSessions(connection, chain[0]!.id);
        const done: { step: Step; before: CatalogSnapshot; after: CatalogSnapshot }[] = [];
        for (const step of chain) {
          const { before, after } = await mutateAndCheck(connection, step, options.hooks);
          done.push({ step, before, after });
        }
        // The ledger exists now (it is the last bootstrap step): record the rehearsals, then the steps.
        for (const entry of rehearsal.rehearsals)
          if (entry.rehearsalId === null) await recordRehearsal(connection, entry);
        for (const { step, before, after } of done) {
          applied.push(await recordStep(connection, step, null, plan.planHash, before, after));
        }
        await connection.query('commit');
      } catch (error) {
        await connection.query('rollback');
        throw asStop(error, null);
      }
    } finally {
      connection.release();
    }
  }
  const adopted = await adoptLegacySteps(db, steps);
  const alreadyInPlace = plan.steps
    .filter((step) => step.bootstrap && step.status === 'applied')
    .map((step) => step.id);
  return { planHash: plan.planHash, applied, adopted, alreadyInPlace };
}

async function applyOne(
  connection: PooledConnection,
  step: Step,
  approvalId: string,
  planHash: string,
  hooks: ApplyHooks | undefined,
): Promise<AppliedStep> {
  const versionHash = stepVersionHash(step);
  await connection.query('begin');
  try {
    await connection.query("select pg_advisory_xact_lock(hashtext('birth_lane.install'))");
    const ledger = await readLedger(connection);
    const active = ledger.active.get(step.id);
    if (active !== undefined && active.versionHash !== versionHash)
      throw new InstallStopError(
        'drift',
        step.id,
        'an earlier version is applied; it is never re-applied silently',
      );
    if (active !== undefined) throw new Error(`install step ${step.id} is already in place`);
    const missing = step.prerequisites.filter((prerequisite) => !ledger.active.has(prerequisite));
    if (missing.length > 0)
      throw new InstallStopError(
        'reverify_failed',
        step.id,
        `prerequisites not applied: ${missing.join(', ')}`,
      );
    await assertApprovalCoversRisk(connection, step, approvalId);
    const rehearsal = ledger.rehearsals.get(rehearsalKey(step.id, versionHash));
    if (rehearsal === undefined || !rehearsal.passed || rehearsal.used)
      throw new InstallStopError(
        'step_not_rehearsed',
        step.id,
        rehearsal === undefined
          ? `version ${versionHash.slice(0, 12)} was never rehearsed: run \`install rehearse --step ${step.id}\``
          : rehearsal.used
            ? `its last rehearsal (#${rehearsal.rehearsalId}) was used by an earlier apply; rehearse it again: \`install rehearse --step ${step.id}\``
            : `its latest rehearsal (#${rehearsal.rehearsalId}) failed (${rehearsal.stopCondition ?? 'see the ledger'})`,
      );
    await stopOnIdleSessions(connection, step.id);
    const { before, after } = await mutateAndCheck(
      connection,
      step,
      hooks,
      rehearsal.entryHash ?? '(none recorded)',
    );
    const recorded = await recordStep(connection, step, approvalId, planHash, before, after);
    await connection.query('commit');
    return recorded;
  } catch (error) {
    await connection.query('rollback');
    throw asStop(error, step.id);
  }
}

/** Re-verify, before-snapshot, mutation, success evidence, (hook), after-snapshot, footprint check. */
async function mutateAndCheck(
  connection: PooledConnection,
  step: Step,
  hooks: ApplyHooks | undefined,
  rehearsedEntryHash?: string,
) {
  const expected = await step.reverify(connection);
  if (!expected.ok) throw new InstallStopError('reverify_failed', step.id, expected.observed);
  const before = await snapshotCatalog(connection);
  const beforeHash = databaseCatalogHash(before);
  // A rehearsal proves the catalog it ran on: on another one (something changed since, or it was
  // rehearsed in a chain with steps not applied now) it proves nothing about this apply.
  if (rehearsedEntryHash !== undefined && rehearsedEntryHash !== beforeHash)
    throw new InstallStopError(
      'step_not_rehearsed',
      step.id,
      `its rehearsal is stale: it ran on catalog ${rehearsedEntryHash.slice(0, 12)}, the live catalog is ${beforeHash.slice(0, 12)}; rehearse it again: \`install rehearse --step ${step.id}\``,
    );
  await connection.query(step.mutation);
  const evidence = await step.successEvidence(connection);
  if (!evidence.ok)
    throw new InstallStopError('reverify_failed', step.id, `success evidence: ${evidence.observed}`);
  await hooks?.beforeFootprintCheck?.(step);
  const after = await snapshotCatalog(connection);
  const verdict = checkFootprint(step, before, after);
  if (!verdict.ok) throw new InstallStopError(verdict.stopCondition!, step.id, describeVerdict(verdict));
  return { before, after };
}

async function recordStep(
  connection: PooledConnection,
  step: Step,
  approvalId: string | null,
  planHash: string,
  before: CatalogSnapshot,
  after: CatalogSnapshot,
): Promise<AppliedStep> {
  const versionHash = stepVersionHash(step);
  const beforeHash = catalogSnapshotHash(before);
  const afterHash = catalogSnapshotHash(after);
  const { rows } = await connection.query<{ id: string }>(
    `select birth_lane.record_install_step($1::text, $2::text, $3::bigint, $4::text[], $5::text, $6::text, $7::text,
                                           $8::jsonb, $9::jsonb, $10::text, $11::text)::text as id`,
    [
      step.id,
      versionHash,
      approvalId,
      step.prerequisites,
      planHash,
      beforeHash,
      afterHash,
      JSON.stringify(before),
      JSON.stringify(after),
      legacyStepDigest(step),
      step.risk,
    ],
  );
  return {
    stepId: step.id,
    versionHash,
    kind: approvalId === null ? 'bootstrap' : 'approved',
    approvalId,
    applicationId: rows[0]!.id,
    beforeHash,
    afterHash,
  };
}

export async function stopOnIdleSessions(connection: PooledConnection, stepId: string): Promise<void> {
  const idle = await idleInTransactionSessions(connection);
  if (idle.length > 0)
    throw new InstallStopError(
      'idle_in_transaction',
      stepId,
      `${idle.length} session(s) idle in transaction: ${idle.map((session) => `pid ${session.pid} (${session.user}, since ${session.since})`).join(', ')}; end them, then run again`,
    );
}

function stopOnDrift(plan: InstallPlan): void {
  const drift = plan.steps.filter((step) => step.status === 'drift');
  if (drift.length > 0)
    throw new InstallStopError(
      'drift',
      drift[0]!.id,
      `${drift.map((step) => step.id).join(', ')} changed since applied; an applied step is never re-applied silently (a new version of a block adds new numbered steps)`,
    );
}

/** Only a login holding birth_lane_installer may record steps; said before anything runs. */
export async function stopUnlessInstaller(db: Database, stepId: string | null): Promise<void> {
  const may = await loginMayInstall(db);
  if (!may.ok)
    throw new InstallStopError(
      'approval_recorded_by_unauthorized_login',
      stepId,
      `${may.login} does not hold birth_lane_installer, so it may not record install steps (grant birth_lane_installer to ${may.login}; an administrator decides who installs)`,
    );
}

/** A ledger refusal becomes its stop condition; anything else is rethrown as it is. */
export function asStop(error: unknown, stepId: string | null): unknown {
  if (InstallStopError.isInstance(error)) return error;
  const condition = stopConditionForDatabaseError(error);
  if (condition === null) return error;
  return new InstallStopError(condition, stepId, (error as Error).message, { cause: error });
}
