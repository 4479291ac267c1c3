import { ValidationError } from '@birth-lane/contract';
import { describe, expect, it } from 'vitest';
import { parseBacklogPlanInput } from './plan-input.js';

function refusal(input: unknown): ValidationError {
  try {
    parseBacklogPlanInput(input);
  } catch (error) {
    if (ValidationError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('parseBacklogPlanInput', () => {
  it('refuses an unbounded request, naming each missing bound', () => {
    const error = refusal({});
    expect(error.issues.map((issue) => [issue.field, issue.rule])).toEqual([
      ['idFrom', 'required'],
      ['idTo', 'required'],
    ]);
    expect(refusal({ idFrom: '1' }).issues.map((issue) => issue.field)).toEqual(['idTo']);
  });
  it('refuses a reversed range and a bad cap', () => {
    expect(refusal({ idFrom: '10', idTo: '9' }).issues[0]!.field).toBe('idTo');
    expect(refusal({ idFrom: '1', idTo: '9', maxRows: 0 }).issues[0]!.field).toBe('maxRows');
    expect(refusal({ idFrom: '0', idTo: '9' }).issues[0]!.field).toBe('idFrom');
  });
  it('accepts a bounded request', () => {
    expect(parseBacklogPlanInput({ idFrom: ' 1', idTo: '100', maxRows: 5 })).toEqual({
      idFrom: '1',
      idTo: '100',
      maxRows: 5,
    });
  });
});
