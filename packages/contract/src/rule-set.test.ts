import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';
import { ruleSetHash, ruleSetSchema } from './rule-set.js';

const doc = {
  version: '1.2.0',
  status: 'draft',
  stages: {
    pen: [{ id: 'pen.code', kind: 'pattern', field: 'entity_code', pattern: '^[A-Z]+-[0-9]{3,}$' }],
    stamp: [{ id: 'stamp.status', kind: 'one_of', field: 'status', values: ['active', 'draft'] }],
    gate: [{ id: 'gate.fit', kind: 'species_fit', allowed: { fauna: ['SP-1', 'SP-2'] } }],
  },
};

describe('ruleSetHash', () => {
  it('is the same whatever order the keys were written in', () => {
    const reordered = JSON.parse(canonicalJson(doc)) as typeof doc;
    const shuffled = {
      stages: {
        gate: doc.stages.gate,
        stamp: doc.stages.stamp,
        pen: [{ pattern: doc.stages.pen[0]!.pattern, field: 'entity_code', kind: 'pattern', id: 'pen.code' }],
      },
      status: 'draft',
      version: '1.2.0',
    };
    expect(ruleSetHash(ruleSetSchema.parse(shuffled))).toBe(ruleSetHash(ruleSetSchema.parse(reordered)));
  });

  it('does not change when only the status changes', () => {
    expect(ruleSetHash(ruleSetSchema.parse({ ...doc, status: 'active' }))).toBe(
      ruleSetHash(ruleSetSchema.parse(doc)),
    );
  });

  it('changes when a check changes', () => {
    const changed = {
      ...doc,
      stages: { ...doc.stages, stamp: [{ ...doc.stages.stamp[0]!, values: ['active'] }] },
    };
    expect(ruleSetHash(ruleSetSchema.parse(changed))).not.toBe(ruleSetHash(ruleSetSchema.parse(doc)));
  });

  it('defaults species_fit to failing unlisted collections', () => {
    const parsed = ruleSetSchema.parse(doc);
    const gate = parsed.stages.gate[0];
    expect(gate?.kind === 'species_fit' && gate.unlisted).toBe('fail');
  });
});
