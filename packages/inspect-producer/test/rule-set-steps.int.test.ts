import { catalogObjectExists, contractSteps, installSteps, type Step } from '@birth-lane/contract';
import { describeStepConformance } from '@birth-lane/contract/testing';
import { useTestDatabase } from '@birth-lane/test-kit';
import { describe, expect, it } from 'vitest';
import { ruleSetSteps } from '../src/rule-set-steps.js';

const RULE_SETS_STEP_ID = 'inspect-producer/0001_rule_sets';
const step = (): Step => {
  const found = ruleSetSteps.find((candidate) => candidate.id === RULE_SETS_STEP_ID);
  if (!found) throw new Error(`${RULE_SETS_STEP_ID} is missing from ruleSetSteps`);
  return found;
};

// The contract's surfaces only: the rule-set step itself is under test.
const t = useTestDatabase({ name: 'rule-set-steps', setupSql: contractSteps.map((item) => item.mutation) });

describeStepConformance(RULE_SETS_STEP_ID, step, () => t.db.pool);

describe(RULE_SETS_STEP_ID, () => {
  it('comes first and depends on the lane roles', () => {
    expect(ruleSetSteps[0]?.id).toBe(RULE_SETS_STEP_ID);
    expect(step().prerequisites).toEqual(['contract/0004_roles']);
  });

  it('stops while its prerequisite has not been applied through the installer', async () => {
    expect(await step().stopConditions(t.db.pool)).toContain(
      'prerequisite contract/0004_roles has not been applied',
    );
  });

  it('installs after the contract steps, re-applies idempotently, and rolls back cleanly', async () => {
    await installSteps(t.db.pool, contractSteps);
    expect((await installSteps(t.db.pool, [step()])).applied).toEqual([RULE_SETS_STEP_ID]);
    await t.db.pool.query(step().mutation);
    expect((await step().successEvidence(t.db.pool)).ok).toBe(true);

    await t.db.pool.query(step().rollback);
    expect(await catalogObjectExists(t.db.pool, 'table:birth_lane.rule_sets')).toBe(false);
    expect(await catalogObjectExists(t.db.pool, 'index:birth_lane.rule_sets_one_active_idx')).toBe(false);
  });
});
