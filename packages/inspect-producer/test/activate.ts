import { type RuleSet, ruleSetHash } from '@birth-lane/contract';
import { approveWithDemoLogins } from '@birth-lane/contract/testing';
import type { TestDatabase } from '@birth-lane/test-kit';
import { type ActivatedRuleSet, activateRuleSet, saveRuleSet } from '../src/rules/rule-set-store.js';

/**
 * An approval that meets quorum for activating exactly `ruleSet` (version and hash), given by the
 * contract's demo logins, each through its own connection. Returns the request id, not yet used.
 */
export function approveActivation(db: TestDatabase, ruleSet: RuleSet): Promise<string> {
  return approveWithDemoLogins(db.pool, (login, password) => db.connectAs(login, password), {
    action: 'rule_set_activation',
    scope: { version: ruleSet.version, hash: ruleSetHash(ruleSet) },
  });
}

/** Saves `ruleSet` and activates it the governed way: with its own approval. */
export async function saveAndActivate(db: TestDatabase, ruleSet: RuleSet): Promise<ActivatedRuleSet> {
  await saveRuleSet(db.pool, ruleSet);
  return activateRuleSet(db.pool, ruleSet.version, { approvalId: await approveActivation(db, ruleSet) });
}
