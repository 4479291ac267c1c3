import { parseOrThrow, ValidationError } from '@birth-lane/contract';
import { describe, expect, it } from 'vitest';
import { runIdParamsSchema, runRequestSchema } from './run-request.js';

function problemsOf(body: unknown) {
  try {
    parseOrThrow(runRequestSchema, body, 'run request');
  } catch (error) {
    if (ValidationError.isInstance(error)) return error.issues.map(({ field, rule }) => ({ field, rule }));
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(body)} to be refused`);
}

describe('runRequestSchema', () => {
  it('accepts no bounds and every bound, ids up to the bigint maximum', () => {
    expect(runRequestSchema.parse({})).toEqual({});
    expect(
      runRequestSchema.parse({ maxRows: 10, batchSize: 50000, idFrom: '1', idTo: '9223372036854775807' }),
    ).toEqual({ maxRows: 10, batchSize: 50000, idFrom: '1', idTo: '9223372036854775807' });
    expect(runRequestSchema.parse({ idFrom: '5', idTo: '5' })).toEqual({ idFrom: '5', idTo: '5' });
  });

  it('reads an exact JSON number id as its decimal text (the contract registry-id schema)', () => {
    expect(runRequestSchema.parse({ idFrom: 17 })).toEqual({ idFrom: '17' });
  });

  it('refuses what is not an object', () => {
    expect(problemsOf([])).toEqual([{ field: '(input)', rule: 'type' }]);
    expect(problemsOf(null)).toEqual([{ field: '(input)', rule: 'type' }]);
  });

  it('lists every problem at once, naming field and rule', () => {
    expect(
      problemsOf({ maxRows: -1, batchSize: 50001, idFrom: true, idTo: '01', rows: 3 }).sort((a, b) =>
        a.field.localeCompare(b.field),
      ),
    ).toEqual([
      { field: '(input)', rule: 'unknown_key' },
      { field: 'batchSize', rule: 'max' },
      { field: 'idFrom', rule: 'one_of' },
      { field: 'idTo', rule: 'registry_id' },
      { field: 'maxRows', rule: 'min' },
    ]);
  });

  it('refuses non-integers, ids past bigint or past exact numbers, and a reversed range beside other problems', () => {
    expect(problemsOf({ maxRows: 1.5 })).toEqual([{ field: 'maxRows', rule: 'type' }]);
    expect(problemsOf({ idTo: '9223372036854775808' })).toEqual([{ field: 'idTo', rule: 'registry_id' }]);
    expect(problemsOf({ idTo: 2 ** 53 }).map(({ field }) => field)).toContain('idTo');
    expect(problemsOf({ idFrom: '10', idTo: '9' })).toEqual([{ field: 'idFrom', rule: 'order' }]);
    expect(problemsOf({ idFrom: '10', idTo: '9', maxRows: 0 })).toEqual([
      { field: 'maxRows', rule: 'min' },
      { field: 'idFrom', rule: 'order' },
    ]);
    // Compared as bigints, not as text or as doubles.
    expect(problemsOf({ idFrom: '9223372036854775807', idTo: '9223372036854775806' })).toEqual([
      { field: 'idFrom', rule: 'order' },
    ]);
  });
});

describe('runIdParamsSchema', () => {
  it('takes a UUID in either case and keys it in lower case', () => {
    const id = '3F0C2A4E-9B1E-4C3D-8E7F-0123456789AB';
    expect(runIdParamsSchema.parse({ id })).toEqual({ id: id.toLowerCase() });
  });

  it('refuses anything else with rule uuid', () => {
    expect(() => parseOrThrow(runIdParamsSchema, { id: 'not-a-uuid' }, 'run id')).toThrow(
      /id: must be a UUID \(rule: uuid\)/,
    );
  });
});
