import { describe, expect, it } from 'vitest';
import { ApprovalError, BirthLaneError, sqlStateOf, ValidationError } from './errors.js';

describe('errors', () => {
  it('recognises an error from another copy of the contract by its marker', () => {
    const foreign = Object.assign(new Error('from another copy'), {
      code: 'VALIDATION_FAILED',
      [Symbol.for('birth-lane.error.BirthLaneError')]: true,
      [Symbol.for('birth-lane.error.ValidationError')]: true,
    });
    expect(BirthLaneError.isInstance(foreign)).toBe(true);
    expect(ValidationError.isInstance(foreign)).toBe(true);
    expect(ApprovalError.isInstance(foreign)).toBe(false);
    expect(BirthLaneError.isInstance(new Error('plain'))).toBe(false);
  });

  it('keeps the cause and a stable code', () => {
    const cause = new Error('root');
    const error = new ValidationError(
      'birth input',
      [{ field: 'entity_code', rule: 'required', message: 'is required' }],
      { cause },
    );
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.cause).toBe(cause);
    expect(error.message).toBe('Invalid birth input:\n  - entity_code: is required (rule: required)');
  });

  it('reads SQLSTATE only from well-formed codes', () => {
    expect(sqlStateOf({ code: '42501' })).toBe('42501');
    expect(sqlStateOf({ code: 'ECONNREFUSED' })).toBeUndefined();
    expect(sqlStateOf(null)).toBeUndefined();
  });
});
