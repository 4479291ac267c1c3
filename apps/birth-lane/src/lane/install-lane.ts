import { type Database, type InstallResult, installSteps } from '@birth-lane/contract';
import {
  activateRuleSet,
  defaultRuleSet,
  loadActiveRuleSet,
  saveRuleSet,
} from '@birth-lane/inspect-producer';
import { laneSteps } from './lane-steps.js';

/**
 * Installs every lane object (idempotent: applied steps are skipped) and, when no rule set is
 * active yet, activates the default one so a fresh lane can inspect straight away.
 */
export async function installLane(
  db: Database,
  options: { activateDefaultRuleSet?: boolean; onStep?: (id: string, outcome: string) => void } = {},
): Promise<InstallResult & { ruleSet: { version: string; hash: string; activatedNow: boolean } | null }> {
  const result = await installSteps(db, laneSteps, { onStep: options.onStep });
  let active = await loadActiveRuleSet(db);
  let activatedNow = false;
  if (!active.ok && options.activateDefaultRuleSet !== false) {
    await saveRuleSet(db, defaultRuleSet);
    await activateRuleSet(db, defaultRuleSet.version, { activatedBy: 'birth-lane install' });
    active = await loadActiveRuleSet(db);
    activatedNow = true;
  }
  return {
    ...result,
    ruleSet: active.ok ? { version: active.ruleSet.version, hash: active.hash, activatedNow } : null,
  };
}
