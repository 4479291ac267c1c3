import {
  type Check,
  type InspectableRow,
  type RuleSet,
  ruleSetHash,
  ruleSetSchema,
  ValidationError,
} from '@birth-lane/contract';
import { describeInspectorConformance } from '@birth-lane/contract/testing';
import { describe, expect, it } from 'vitest';
import { defaultRuleSet } from './default-rule-set.js';
import { checkFailureMessage, createInspector, evaluateStage } from './evaluate.js';

const NOW = new Date('2026-01-01T00:00:00.000Z');

/** A rule set whose PEN stage is exactly `check`, so one check's verdict can be read alone. */
function single(check: Record<string, unknown>): RuleSet {
  const filler = { id: 'filler', kind: 'required', field: 'entity_code' };
  return ruleSetSchema.parse({
    version: '0.0.1',
    stages: { pen: [{ id: 'subject', ...check }], stamp: [filler], gate: [{ ...filler, id: 'filler2' }] },
  });
}

function failsOn(check: Record<string, unknown>, row: InspectableRow): boolean {
  return !evaluateStage(single(check), 'pen', row, NOW).passed;
}

type Case = readonly [label: string, row: InspectableRow, fails: boolean];

describe('required', () => {
  const cases: Case[] = [
    ['a value', { name: 'Lion' }, false],
    ['a value with surrounding blanks', { name: '  Lion \n' }, false],
    ['null', { name: null }, true],
    ['an absent field', {}, true],
    ['the empty string', { name: '' }, true],
    ['only spaces', { name: '   ' }, true],
    ['only tab, newline and carriage return', { name: '\t\n\r ' }, true],
    // Not in the trimmed set, on both sides: a value made of them is present.
    ['a no-break space (U+00A0)', { name: '\u00a0' }, false],
    ['a vertical tab', { name: '\u000b' }, false],
    ['a form feed', { name: '\f' }, false],
    ['an ideographic space (U+3000)', { name: '\u3000' }, false],
    ['a zero-width space (U+200B)', { name: '\u200b' }, false],
  ];
  it.each(cases)('on name: %s → fails=%s', (_label, row, fails) => {
    expect(failsOn({ kind: 'required', field: 'name' }, row)).toBe(fails);
  });

  it('on born_at fails only when the timestamp is missing', () => {
    const check = { kind: 'required', field: 'born_at' };
    expect(failsOn(check, { born_at: null })).toBe(true);
    expect(failsOn(check, {})).toBe(true);
    expect(failsOn(check, { born_at: new Date('1999-01-01T00:00:00Z') })).toBe(false);
    expect(failsOn(check, { born_at: '2030-01-01T00:00:00Z' })).toBe(false);
  });
});

describe('pattern', () => {
  const shape = { kind: 'pattern', field: 'entity_code', pattern: '^[A-Z][A-Z0-9]{0,31}-[0-9]{3,24}$' };
  const cases: Case[] = [
    ['a well-formed code', { entity_code: 'FAUNA-001' }, false],
    ['the longest prefix and digits', { entity_code: `A${'B'.repeat(31)}-${'9'.repeat(24)}` }, false],
    ['a prefix one too long', { entity_code: `A${'B'.repeat(32)}-001` }, true],
    ['25 digits', { entity_code: `A-${'1'.repeat(25)}` }, true],
    ['two digits', { entity_code: 'FAUNA-01' }, true],
    ['lower case', { entity_code: 'fauna-001' }, true],
    ['a trailing newline ($ is the end of the string, not of a line)', { entity_code: 'FAUNA-001\n' }, true],
    ['a leading space (values are not trimmed)', { entity_code: ' FAUNA-001' }, true],
    ['full-width digits', { entity_code: 'FAUNA-１２３' }, true],
    ['an accented prefix', { entity_code: 'ÉTÉ-001' }, true],
    ['null (a missing value cannot match)', { entity_code: null }, true],
    ['the empty string', { entity_code: '' }, true],
  ];
  it.each(cases)('entity_code shape: %s → fails=%s', (_label, row, fails) => {
    expect(failsOn(shape, row)).toBe(fails);
  });

  it('is unanchored unless the pattern anchors itself', () => {
    expect(failsOn({ kind: 'pattern', field: 'name', pattern: 'lion' }, { name: 'sea lion pup' })).toBe(
      false,
    );
  });

  it('reads `.` as JavaScript does: any character except a line terminator', () => {
    const dot = { kind: 'pattern', field: 'description', pattern: '^.+$' };
    expect(failsOn(dot, { description: 'one line 😀' })).toBe(false);
    expect(failsOn(dot, { description: 'two\nlines' })).toBe(true);
    expect(failsOn(dot, { description: 'u2028\u2028' })).toBe(true);
  });

  it('counts an astral character as one character', () => {
    expect(failsOn({ kind: 'pattern', field: 'name', pattern: '^.$' }, { name: '😀' })).toBe(false);
  });
});

describe('one_of', () => {
  const check = { kind: 'one_of', field: 'status', values: ['active', 'draft'] };
  const cases: Case[] = [
    ['a listed value', { status: 'draft' }, false],
    ['another case', { status: 'Active' }, true],
    ['surrounding blanks', { status: 'active ' }, true],
    ['an unlisted value', { status: 'live' }, true],
    ['the empty string', { status: '' }, true],
    ['null', { status: null }, true],
  ];
  it.each(cases)('%s → fails=%s', (_label, row, fails) => {
    expect(failsOn(check, row)).toBe(fails);
  });
});

describe('length', () => {
  const bounded = { kind: 'length', field: 'name', min: 2, max: 4 };
  const cases: Case[] = [
    ['below min', { name: 'a' }, true],
    ['at min', { name: 'ab' }, false],
    ['at max', { name: 'abcd' }, false],
    ['above max', { name: 'abcde' }, true],
    // Four code points, eight UTF-16 units: length counts code points, like char_length.
    ['four astral characters', { name: '😀😀😀😀' }, false],
    ['five astral characters', { name: '😀😀😀😀😀' }, true],
    // A combining accent is its own code point: 'é' written as e + U+0301 is two characters.
    ['a decomposed accent', { name: 'e\u0301' }, false],
    ['blanks count', { name: '    ' }, false],
    ['null', { name: null }, true],
  ];
  it.each(cases)('min 2, max 4: %s → fails=%s', (_label, row, fails) => {
    expect(failsOn(bounded, row)).toBe(fails);
  });

  it('takes a single bound', () => {
    expect(failsOn({ kind: 'length', field: 'name', max: 3 }, { name: '' })).toBe(false);
    expect(failsOn({ kind: 'length', field: 'name', min: 1 }, { name: '' })).toBe(true);
  });
});

describe('not_future', () => {
  const check = { kind: 'not_future', field: 'born_at' };
  const cases: Case[] = [
    ['the past', { born_at: new Date('2025-12-31T23:59:59.999Z') }, false],
    ['exactly now', { born_at: new Date(NOW) }, false],
    ['one millisecond ahead', { born_at: new Date(NOW.getTime() + 1) }, true],
    ['an ISO string in the future', { born_at: '2027-01-01T00:00:00Z' }, true],
    ['null (nothing to check)', { born_at: null }, true],
  ];
  it.each(cases)('%s → fails=%s', (_label, row, fails) => {
    expect(failsOn(check, row)).toBe(fails);
  });
});

describe('species_fit', () => {
  const map = { fauna: ['SP-1', 'SP-2'], flora: ['SP-3'] };
  const strict = { kind: 'species_fit', allowed: map };
  const lenient = { kind: 'species_fit', allowed: map, unlisted: 'pass' };
  const cases: Case[] = [
    ['an allowed species', { collection_name: 'fauna', species_code: 'SP-2' }, false],
    ['a species of another collection', { collection_name: 'fauna', species_code: 'SP-3' }, true],
    ['a species nobody lists', { collection_name: 'flora', species_code: 'SP-9' }, true],
    ['a differently cased species', { collection_name: 'fauna', species_code: 'sp-1' }, true],
    [
      'a differently cased collection (so unlisted)',
      { collection_name: 'Fauna', species_code: 'SP-1' },
      true,
    ],
    ['an unlisted collection', { collection_name: 'widgets', species_code: 'SP-1' }, true],
    ['a null species', { collection_name: 'fauna', species_code: null }, true],
    ['a null collection', { collection_name: null, species_code: 'SP-1' }, true],
    ['a collection named like an Object method', { collection_name: 'toString', species_code: 'SP-1' }, true],
  ];
  it.each(cases)('unlisted fail: %s → fails=%s', (_label, row, fails) => {
    expect(failsOn(strict, row)).toBe(fails);
  });

  it('with unlisted pass, passes an unlisted collection but still fails a missing species or collection', () => {
    expect(failsOn(lenient, { collection_name: 'widgets', species_code: 'SP-1' })).toBe(false);
    expect(failsOn(lenient, { collection_name: 'widgets', species_code: null })).toBe(true);
    expect(failsOn(lenient, { collection_name: null, species_code: 'SP-1' })).toBe(true);
    expect(failsOn(lenient, { collection_name: 'fauna', species_code: 'SP-3' })).toBe(true);
  });
});

describe('verdicts and messages', () => {
  const goodRow: InspectableRow = {
    entity_code: 'FAUNA-001',
    collection_name: 'fauna',
    dot_origin: 'zoo.import',
    born_at: new Date('2025-06-01T00:00:00Z'),
    name: 'Lion',
    description: 'An adult male lion from the savannah enclosure.',
    status: 'active',
    species_code: 'SP-MAMMAL',
  };

  it('passes a complete row in every stage of the default rule set', () => {
    for (const stage of ['pen', 'stamp', 'gate'] as const) {
      expect(evaluateStage(defaultRuleSet, stage, goodRow, NOW)).toEqual({
        stage,
        passed: true,
        failures: [],
      });
    }
  });

  it('lists every failed check, in check order, with the check message when it has one', () => {
    const verdict = evaluateStage(
      defaultRuleSet,
      'pen',
      { ...goodRow, entity_code: 'fauna-1', dot_origin: ' ', born_at: null },
      NOW,
    );
    expect(verdict.passed).toBe(false);
    expect(verdict.failures.map((failure) => failure.checkId)).toEqual([
      'pen.entity_code.shape',
      'pen.dot_origin.required',
      'pen.born_at.required',
      'pen.born_at.not_future',
    ]);
    expect(verdict.failures[0]?.message).toMatch(/PREFIX-NNN/);
    expect(verdict.failures[1]?.message).toBe('dot_origin is required but only whitespace');
  });

  const messages: readonly [string, Record<string, unknown>, InspectableRow, string][] = [
    ['required, missing', { kind: 'required', field: 'name' }, {}, 'name is required but missing'],
    ['required, empty', { kind: 'required', field: 'name' }, { name: '' }, 'name is required but empty'],
    [
      'pattern',
      { kind: 'pattern', field: 'entity_code', pattern: '^[A-Z]+-[0-9]{3,}$' },
      { entity_code: 'ab-12' },
      'entity_code "ab-12" does not match ^[A-Z]+-[0-9]{3,}$',
    ],
    [
      'pattern, missing',
      { kind: 'pattern', field: 'entity_code', pattern: '^[A-Z]+$' },
      {},
      'entity_code is missing, so it cannot match ^[A-Z]+$',
    ],
    [
      'one_of',
      { kind: 'one_of', field: 'status', values: ['active', 'draft'] },
      { status: 'Active' },
      'status "Active" is not one of "active", "draft"',
    ],
    [
      'length',
      { kind: 'length', field: 'name', max: 3 },
      { name: 'Lions' },
      'name is 5 characters long; it must be at most 3 characters',
    ],
    [
      'not_future',
      { kind: 'not_future', field: 'born_at' },
      { born_at: new Date('2026-02-01T00:00:00Z') },
      'born_at 2026-02-01T00:00:00.000Z is in the future (checked at 2026-01-01T00:00:00.000Z)',
    ],
    [
      'species_fit, wrong species',
      { kind: 'species_fit', allowed: { fauna: ['SP-1', 'SP-2'] } },
      { collection_name: 'fauna', species_code: 'SP-9' },
      'species_code "SP-9" is not allowed for collection "fauna" (allowed: SP-1, SP-2)',
    ],
    [
      'species_fit, unlisted',
      { kind: 'species_fit', allowed: { fauna: ['SP-1'] } },
      { collection_name: 'widgets', species_code: 'SP-1' },
      'collection "widgets" is not listed in the species map, and unlisted collections fail',
    ],
  ];
  it.each(messages)('says what is wrong: %s', (_label, check, row, expected) => {
    const verdict = evaluateStage(single(check), 'pen', row, NOW);
    expect(verdict.failures).toEqual([{ checkId: 'subject', message: expected }]);
    expect(checkFailureMessage(single(check).stages.pen[0] as Check, row, NOW)).toBe(expected);
  });

  it('shows long values cut short, with their length', () => {
    const verdict = evaluateStage(
      single({ kind: 'one_of', field: 'name', values: ['x'] }),
      'pen',
      { name: 'y'.repeat(500) },
      NOW,
    );
    expect(verdict.failures[0]?.message).toBe(`name "${'y'.repeat(60)}"… (500 characters) is not one of "x"`);
  });

  it('refuses a row whose text field is not text, naming the field', () => {
    const error = (() => {
      try {
        evaluateStage(defaultRuleSet, 'stamp', { ...goodRow, name: new Date() }, NOW);
      } catch (caught) {
        return caught;
      }
    })();
    expect(ValidationError.isInstance(error) && error.issues[0]?.field).toBe('name');
  });

  it('refuses an unparseable born_at and an invalid clock', () => {
    expect(() => evaluateStage(defaultRuleSet, 'pen', { ...goodRow, born_at: 'yesterday' }, NOW)).toThrow(
      /born_at/,
    );
    expect(() => evaluateStage(defaultRuleSet, 'pen', goodRow, new Date(Number.NaN))).toThrow(/now/);
  });

  it('refuses a rule set that SQL could not judge the same way', () => {
    const textOnTimestamp = single({ kind: 'length', field: 'born_at', max: 10 });
    expect(() => evaluateStage(textOnTimestamp, 'pen', goodRow, NOW)).toThrow(/born_at is a timestamp/);
    const emptyClass = single({ kind: 'pattern', field: 'name', pattern: '^[^]$' });
    expect(() => createInspector(emptyClass, 'pen')).toThrow(/empty class/);
  });
});

describe('createInspector', () => {
  it('carries the rule set version and hash, and judges only its stage', () => {
    const inspector = createInspector(defaultRuleSet, 'stamp');
    expect(inspector.ruleSet).toEqual({ version: '1.0.0', hash: ruleSetHash(defaultRuleSet) });
    const verdict = inspector.inspect(
      { entity_code: null, name: 'Lion', description: 'A long enough text.', status: 'draft' },
      NOW,
    );
    expect(verdict).toEqual({ stage: 'stamp', passed: true, failures: [] });
  });

  it('uses the current time when no clock is given', () => {
    const inspector = createInspector(single({ kind: 'not_future', field: 'born_at' }), 'pen');
    expect(inspector.inspect({ born_at: new Date(Date.now() + 60_000) }).passed).toBe(false);
    expect(inspector.inspect({ born_at: new Date(Date.now() - 60_000) }).passed).toBe(true);
  });
});

describeInspectorConformance('default rule set, PEN', () => createInspector(defaultRuleSet, 'pen'), [
  {
    row: {
      entity_code: 'FAUNA-001',
      collection_name: 'fauna',
      dot_origin: 'zoo',
      born_at: new Date('2020-01-01T00:00:00Z'),
    },
    passes: true,
  },
  {
    row: {
      entity_code: 'FAUNA-001',
      collection_name: '',
      dot_origin: 'zoo',
      born_at: new Date('2020-01-01T00:00:00Z'),
    },
    passes: false,
  },
  {
    row: {
      entity_code: 'FAUNA-001',
      collection_name: 'fauna',
      dot_origin: 'zoo',
      born_at: new Date('2099-01-01T00:00:00Z'),
    },
    passes: false,
  },
]);

describeInspectorConformance('default rule set, GATE', () => createInspector(defaultRuleSet, 'gate'), [
  { row: { collection_name: 'flora', species_code: 'SP-FERN' }, passes: true },
  { row: { collection_name: 'flora', species_code: 'SP-BIRD' }, passes: false },
  { row: { collection_name: 'unknown', species_code: 'SP-BIRD' }, passes: false },
]);
