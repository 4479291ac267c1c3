import { type Database, type InstallResult, installSteps, ruleSetHash } from '@birth-lane/contract';
import {
  activationSteps,
  type BirthPenJudgement,
  defaultRuleSet,
  ensureBirthPenJudgement,
  loadActiveRuleSet,
  saveRuleSet,
} from '@birth-lane/inspect-producer';
import { planSteps } from './plan-steps.js';

export interface LaneRuleSet {
  readonly version: string;
  readonly hash: string;
  /** True when this rule set is active; false when it waits (as a draft) for an approved activation. */
  readonly active: boolean;
}

export interface LaneInstallation extends InstallResult {
  readonly ruleSet: LaneRuleSet;
  /** What to run to activate the waiting rule set; empty when one is active. */
  readonly nextSteps: readonly string[];
  /**
   * The birth gate's PEN judgement: `compiled` when an install whose rule set was activated before
   * the gate policy existed got it now, from that active, hash-verified rule set (no approval).
   */
  readonly penJudgement: BirthPenJudgement;
}

/**
 * TEST-ONLY PATH (and the previous release's install): installs every lane object at once, with
 * no approval, through the contract's installSteps (birth_lane.applied_steps). `birth-lane
 * install` and `start` go through the install plan (rehearsed, approved per step, verified).
 * Idempotent: applied steps are skipped. It never activates a rule
 * set: activation is an approval-gated act. When none is active yet, it saves the default rule
 * set as a draft and says how to activate it: request a `rule_set_activation` approval for its
 * version and hash, have the approvers vote with their own logins, then `rules activate`.
 */
export async function installLane(
  db: Database,
  options: { onStep?: (id: string, outcome: string) => void } = {},
): Promise<LaneInstallation> {
  const result = await installSteps(db, planSteps, { onStep: options.onStep });
  return { ...result, ...(await finishLaneInstall(db)) };
}

/**
 * What follows the last install step, whichever way the steps were applied (the install plan, or
 * the test-only installLane above): the gate's PEN judgement for an older active rule set, and the
 * default rule set saved as a draft when none is active.
 */
export async function finishLaneInstall(
  db: Database,
): Promise<Pick<LaneInstallation, 'ruleSet' | 'nextSteps' | 'penJudgement'>> {
  // The gate policy came after rule-set activation: an older install's active rule set never
  // compiled the gate's PEN judgement. The app composes the two blocks (a block imports no other).
  const penJudgement = await ensureBirthPenJudgement(db);
  const active = await loadActiveRuleSet(db);
  if (active.ok) {
    return {
      ruleSet: { version: active.ruleSet.version, hash: active.hash, active: true },
      nextSteps: [],
      penJudgement,
    };
  }
  await saveRuleSet(db, defaultRuleSet);
  const version = defaultRuleSet.version;
  const hash = ruleSetHash(defaultRuleSet);
  return {
    ruleSet: { version, hash, active: false },
    nextSteps: activationSteps(version, hash),
    penJudgement,
  };
}
