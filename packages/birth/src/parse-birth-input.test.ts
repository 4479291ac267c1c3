import { type BirthInput, ValidationError } from '@birth-lane/contract';
import { describe, expect, it } from 'vitest';
import { parseBirthInput, parseBirthInputs } from './parse-birth-input.js';

const good = { entity_code: 'SPC-001', collection_name: 'species', dot_origin: 'test:unit' };

function validationError(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    if (ValidationError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('parseBirthInput', () => {
  it('accepts a minimal input and defaults governance_role to governed', () => {
    expect(parseBirthInput(good)).toMatchObject({ ...good, governance_role: 'governed' });
  });

  it.each([
    ['certified', { ...good, certified: true }],
    ['inspect_pen', { ...good, inspect_pen: new Date() }],
    ['canonical_address', { ...good, canonical_address: 'x' }],
  ])('names the forbidden key %s on the key itself', (key, input) => {
    const error = validationError(() => parseBirthInput(input as BirthInput));
    expect(error.issues).toEqual([expect.objectContaining({ field: key, rule: 'unknown_key' })]);
    expect(error.message).toContain(key);
  });

  it('names every bad field at once', () => {
    const error = validationError(() =>
      parseBirthInput({
        entity_code: 'spc-1',
        dot_origin: ' ',
        governance_role: 'rogue',
      } as unknown as BirthInput),
    );
    expect(error.issues.map((issue) => [issue.field, issue.rule])).toEqual(
      expect.arrayContaining([
        ['entity_code', 'pattern'],
        ['collection_name', 'required'],
        ['dot_origin', 'min'],
        ['governance_role', 'one_of'],
      ]),
    );
  });
});

describe('parseBirthInputs', () => {
  it('lists every bad input by index and field', () => {
    const inputs = [
      good,
      { ...good, entity_code: 'SPC-002', certified: true },
      { ...good, entity_code: 'bad' },
    ] as BirthInput[];
    const error = validationError(() => parseBirthInputs(inputs));
    expect(error.issues.map((issue) => issue.field)).toEqual(['inputs.1.certified', 'inputs.2.entity_code']);
  });

  it('refuses an entity_code given twice, naming both indexes', () => {
    const error = validationError(() =>
      parseBirthInputs([good, { ...good, entity_code: 'SPC-002' }, { ...good, collection_name: 'other' }]),
    );
    expect(error.issues).toEqual([
      expect.objectContaining({
        field: 'inputs.2.entity_code',
        rule: 'unique',
        message: expect.stringContaining('inputs.0.entity_code'),
      }),
    ]);
  });

  it('refuses something that is not an array', () => {
    const error = validationError(() => parseBirthInputs({} as unknown as BirthInput[]));
    expect(error.issues[0]).toMatchObject({ field: 'inputs', rule: 'type' });
  });
});

describe('born_at must be finite', () => {
  it.each(['infinity', '-infinity', 'Infinity'])(
    'refuses born_at %j naming the field and the rule finite',
    (at) => {
      const error = validationError(() => parseBirthInput({ ...good, born_at: at } as unknown as BirthInput));
      expect(error.issues).toEqual([expect.objectContaining({ field: 'born_at', rule: 'finite' })]);
    },
  );
});
