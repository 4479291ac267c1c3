import { BirthLaneError, contractSteps, ruleSetHash } from '@birth-lane/contract';
import { useTestDatabase } from '@birth-lane/test-kit';
import { describe, expect, it } from 'vitest';
import { ruleSetSteps } from '../src/rule-set-steps.js';
import { compileStageFailuresSql } from '../src/rules/compile-sql.js';
import { defaultRuleSet } from '../src/rules/default-rule-set.js';
import { inspectionCompiler } from '../src/rules/inspection-compiler.js';
import { saveRuleSet } from '../src/rules/rule-set-store.js';
import { saveAndActivate } from './activate.js';

const t = useTestDatabase({ setupSql: [...contractSteps, ...ruleSetSteps].map((step) => step.mutation) });

describe('inspectionCompiler (the contract port, for the staging surface)', () => {
  it('answers null for what was never compiled or stored, then the activated rule set with its hash', async () => {
    expect(await inspectionCompiler.compiledRuleSet(t.db.pool)).toBeNull();
    expect(await inspectionCompiler.storedRuleSet(t.db.pool, defaultRuleSet.version)).toBeNull();
    await saveAndActivate(t.db, defaultRuleSet);
    const compiled = await inspectionCompiler.compiledRuleSet(t.db.pool);
    expect(compiled?.hash).toBe(ruleSetHash(defaultRuleSet));
    expect(compiled?.ruleSet.stages).toEqual(defaultRuleSet.stages);
    expect((await inspectionCompiler.storedRuleSet(t.db.pool, defaultRuleSet.version))?.hash).toBe(
      compiled?.hash,
    );
  });

  it('compiles exactly what the producer compiles', () => {
    for (const stage of ['pen', 'stamp', 'gate'] as const)
      expect(inspectionCompiler.stageFailuresSql(defaultRuleSet, stage, 'k')).toBe(
        compileStageFailuresSql(defaultRuleSet, stage, 'k'),
      );
  });

  it('refuses a stored rule set that no longer matches its hash (SOURCE_RECOVERY_REQUIRED), never null', async () => {
    const draft = { ...defaultRuleSet, version: '7.0.0' };
    await saveRuleSet(t.db.pool, draft);
    await t.db.pool.query(
      "update birth_lane.rule_sets set document = jsonb_set(document, '{description}', '\"x\"') || jsonb_build_object('stages', jsonb_set(document -> 'stages', '{pen,0,field}', '\"name\"')) where version = '7.0.0'",
    );
    const error = await inspectionCompiler
      .storedRuleSet(t.db.pool, '7.0.0')
      .catch((caught: unknown) => caught);
    expect(BirthLaneError.isInstance(error) && error.code).toBe('SOURCE_RECOVERY_REQUIRED');
  });
});
