import { ruleSetSchema } from '@birth-lane/contract';
import { describe, expect, it } from 'vitest';
import { compileCheckFailsSql, compileStageFailuresSql, compileStagePassesSql } from './compile-sql.js';
import { defaultRuleSet } from './default-rule-set.js';

const ruleSet = ruleSetSchema.parse({
  version: '2.0.0',
  stages: {
    pen: [
      { id: 'a.required', kind: 'required', field: 'name' },
      { id: 'b.when', kind: 'not_future', field: 'born_at' },
    ],
    stamp: [{ id: 'c.status', kind: 'one_of', field: 'status', values: ["o'brien", 'back\\slash'] }],
    gate: [{ id: 'd.fit', kind: 'species_fit', allowed: { "it's": ['SP-1'] }, unlisted: 'pass' }],
  },
});

describe('compileStageFailuresSql', () => {
  it('lists the stage checks as ids, in check order, and removes the passes', () => {
    const sql = compileStageFailuresSql(ruleSet, 'pen');
    expect(sql.startsWith('array_remove(array[case when coalesce(')).toBe(true);
    expect(sql.indexOf("then 'a.required' end")).toBeLessThan(sql.indexOf("then 'b.when' end"));
    expect(sql.endsWith(']::text[], null)')).toBe(true);
  });

  it('reads the row through the quoted alias', () => {
    expect(compileStageFailuresSql(ruleSet, 'pen', 'row')).toContain('"row"."name" is null');
  });

  it('compares not_future with now() unless told otherwise', () => {
    expect(compileStageFailuresSql(ruleSet, 'pen')).toContain('> (now())');
    expect(compileStageFailuresSql(ruleSet, 'pen', 'r', { now: '$2::timestamptz' })).toContain(
      '> ($2::timestamptz)',
    );
  });

  it('embeds values as safely quoted literals', () => {
    const stamp = compileStageFailuresSql(ruleSet, 'stamp');
    expect(stamp).toContain("array['o''brien', E'back\\\\slash']::text[]");
    const gate = compileStageFailuresSql(ruleSet, 'gate');
    expect(gate).toContain("= 'it''s' then");
    expect(gate).toContain('else false end');
  });

  it('refuses a rule set the evaluator could not mirror', () => {
    const unsupported = ruleSetSchema.parse({
      ...ruleSet,
      stages: { ...ruleSet.stages, pen: [{ id: 'x', kind: 'pattern', field: 'born_at', pattern: '^2' }] },
    });
    expect(() => compileStageFailuresSql(unsupported, 'pen')).toThrow(/born_at is a timestamp/);
  });
});

describe('compileStagePassesSql', () => {
  it('is true exactly when the failure list is empty', () => {
    expect(compileStagePassesSql(defaultRuleSet, 'gate')).toBe(
      `(cardinality(${compileStageFailuresSql(defaultRuleSet, 'gate')}) = 0)`,
    );
  });
});

describe('compileCheckFailsSql', () => {
  it('trims exactly space, tab, newline and carriage return for required text', () => {
    expect(compileCheckFailsSql({ id: 'x', kind: 'required', field: 'dot_origin' })).toBe(
      `("r"."dot_origin" is null or btrim("r"."dot_origin", E' \\t\\n\\r') = '')`,
    );
  });

  it('tests only presence for required born_at', () => {
    expect(compileCheckFailsSql({ id: 'x', kind: 'required', field: 'born_at' })).toBe(
      '("r"."born_at" is null)',
    );
  });

  it('writes the translated pattern, matched in the C collation', () => {
    expect(compileCheckFailsSql({ id: 'x', kind: 'pattern', field: 'name', pattern: '^\\d$' })).toBe(
      `("r"."name" is null or not (("r"."name" collate "C") ~ '^[0-9]$'))`,
    );
  });

  it('writes only the bounds a length check has', () => {
    expect(compileCheckFailsSql({ id: 'x', kind: 'length', field: 'name', max: 5 })).toBe(
      '("r"."name" is null or char_length("r"."name") > 5)',
    );
  });
});
