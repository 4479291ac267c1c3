import { INSPECT_STAGES, ruleSetHash } from '@birth-lane/contract';
import { describe, expect, it } from 'vitest';
import { defaultRuleSet } from './default-rule-set.js';
import document from './default-rule-set.json' with { type: 'json' };
import { parseRuleSetDocument } from './load-rule-set.js';

describe('defaultRuleSet', () => {
  it('is version 1.0.0 with the brief stage table', () => {
    expect(defaultRuleSet.version).toBe('1.0.0');
    const ids = Object.fromEntries(
      INSPECT_STAGES.map((stage) => [stage, defaultRuleSet.stages[stage].map((check) => check.id)]),
    );
    expect(ids).toEqual({
      pen: [
        'pen.entity_code.required',
        'pen.entity_code.shape',
        'pen.collection_name.required',
        'pen.dot_origin.required',
        'pen.born_at.required',
        'pen.born_at.not_future',
      ],
      stamp: [
        'stamp.name.required',
        'stamp.name.length',
        'stamp.description.required',
        'stamp.description.length',
        'stamp.status.required',
        'stamp.status.allowed',
      ],
      gate: ['gate.species_code.required', 'gate.species_code.fits_collection'],
    });
  });

  it('uses the same entity_code shape as the birth block', async () => {
    const { ENTITY_CODE_PATTERN_SQL } = await import('@birth-lane/contract');
    const shape = defaultRuleSet.stages.pen.find((check) => check.id === 'pen.entity_code.shape');
    expect(shape?.kind === 'pattern' && shape.pattern).toBe(ENTITY_CODE_PATTERN_SQL);
  });

  it('parses the same from its file as a rule-set document', () => {
    expect(parseRuleSetDocument(JSON.stringify(document), 'default-rule-set.json')).toEqual(defaultRuleSet);
  });

  // A released version never changes: once 1.0.0 is published, editing the checks must come with a
  // new version (and this pin moves with it, deliberately). Before its first release it gained the
  // demo's canonical collection `kernel`.
  it('has the content hash 1.0.0 is released with', () => {
    expect(ruleSetHash(defaultRuleSet)).toBe(
      '1e4dd7457bb36018be90a1f63e47abff2599c37779c262c4f08962db5c9aceb4',
    );
  });
});
