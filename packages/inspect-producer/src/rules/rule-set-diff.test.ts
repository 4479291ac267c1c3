import { ruleSetSchema } from '@birth-lane/contract';
import { describe, expect, it } from 'vitest';
import { defaultRuleSet } from './default-rule-set.js';
import { diffRuleSets } from './rule-set-diff.js';

describe('diffRuleSets', () => {
  it('finds nothing between a rule set and itself under another version', () => {
    const diff = diffRuleSets(defaultRuleSet, { ...defaultRuleSet, version: '1.0.1' });
    expect(diff).toMatchObject({ from: '1.0.0', to: '1.0.1', identical: true });
  });

  it('lists added, removed and changed checks per stage, matched by id', () => {
    const next = ruleSetSchema.parse({
      ...defaultRuleSet,
      version: '1.1.0',
      stages: {
        pen: defaultRuleSet.stages.pen.filter((check) => check.id !== 'pen.born_at.not_future'),
        stamp: defaultRuleSet.stages.stamp.map((check) =>
          check.id === 'stamp.name.length' ? { ...check, max: 256 } : check,
        ),
        gate: [
          ...defaultRuleSet.stages.gate,
          { id: 'gate.status.active', kind: 'one_of', field: 'status', values: ['active'] },
        ],
      },
    });
    const diff = diffRuleSets(defaultRuleSet, next);
    expect(diff.identical).toBe(false);
    expect(diff.stages.pen.removed.map((check) => check.id)).toEqual(['pen.born_at.not_future']);
    expect(diff.stages.stamp.changed).toEqual([
      {
        id: 'stamp.name.length',
        from: expect.objectContaining({ max: 512 }),
        to: expect.objectContaining({ max: 256 }),
      },
    ]);
    expect(diff.stages.gate.added.map((check) => check.id)).toEqual(['gate.status.active']);
    expect(diff.stages.gate.reordered).toBe(false);
  });

  it('notices a reordering, since failures are reported in check order', () => {
    const next = ruleSetSchema.parse({
      ...defaultRuleSet,
      version: '1.2.0',
      stages: { ...defaultRuleSet.stages, gate: [...defaultRuleSet.stages.gate].reverse() },
    });
    const diff = diffRuleSets(defaultRuleSet, next);
    expect(diff.stages.gate).toMatchObject({ added: [], removed: [], changed: [], reordered: true });
    expect(diff.identical).toBe(false);
  });
});
