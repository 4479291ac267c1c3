import { describe, expect, it } from 'vitest';
import { BirthLaneError, ValidationError } from '../errors.js';
import { EXIT_CODES } from '../exit-codes.js';
import { CliError } from './cli-error.js';
import { explainError } from './error-boundary.js';

const pgError = (code: string, message = 'boom') => Object.assign(new Error(message), { code });

describe('explainError: one exit code per class, matched by code, never by message', () => {
  it('usage: a ValidationError is 64', () => {
    const error = new ValidationError('environment', [
      { field: 'X', rule: 'required', message: 'is required' },
    ]);
    expect(explainError(error).exitCode).toBe(EXIT_CODES.usage);
  });

  it('no rule set to judge by: a SOURCE_RECOVERY_REQUIRED lane error is 2, whichever command refused', () => {
    const error = new BirthLaneError('SOURCE_RECOVERY_REQUIRED', 'no rule set 9.9.9 is stored');
    expect(explainError(error).exitCode).toBe(EXIT_CODES.source_recovery_required);
  });

  it('unavailable: connection failures (SQLSTATE class 08, 57P0x, Node network codes, AggregateError) are 69', () => {
    for (const error of [
      pgError('08006'),
      pgError('57P03'),
      pgError('57P01'),
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
      new AggregateError([Object.assign(new Error(''), { code: 'ECONNREFUSED' })], ''),
    ])
      expect(explainError(error).exitCode).toBe(EXIT_CODES.unavailable);
  });

  it('not installed (or an older install): undefined table, column, schema or function is 69 and names `birth-lane install`', () => {
    for (const code of ['42P01', '42703', '3F000', '42883']) {
      const explained = explainError(pgError(code));
      expect(explained.exitCode).toBe(EXIT_CODES.unavailable);
      expect(explained.message).toContain('birth-lane install');
    }
  });

  it('no permission: 42501 is 77 with the GRANT of the role the command needs', () => {
    const explained = explainError(pgError('42501'), { needs: 'birth_lane_producer', login: 'Cron Job' });
    expect(explained.exitCode).toBe(EXIT_CODES.noPermission);
    expect(explained.message).toContain('grant birth_lane_producer to "Cron Job";');
  });

  it('a message that merely mentions a connection or permission is not matched', () => {
    expect(explainError(new Error('permission denied: ECONNREFUSED')).exitCode).toBe(EXIT_CODES.internal);
  });

  it('internal: anything else is 70 and points at --debug; lane errors are 1', () => {
    expect(explainError(new TypeError('x is undefined'))).toMatchObject({
      exitCode: EXIT_CODES.internal,
      message: expect.stringContaining('--debug'),
    });
    expect(explainError(new BirthLaneError('QUORUM_NOT_MET', 'no')).exitCode).toBe(EXIT_CODES.failed);
    expect(explainError(new BirthLaneError('FORBIDDEN_ACTION', 'no')).exitCode).toBe(EXIT_CODES.noPermission);
    expect(explainError(new BirthLaneError('CONFIGURATION_INVALID', 'no')).exitCode).toBe(EXIT_CODES.usage);
    // A lane error wrapping a permission refusal keeps its own message and class.
    const wrapped = new BirthLaneError('FORBIDDEN_ACTION', 'needs birth_lane_reader', {
      cause: pgError('42501'),
    });
    expect(explainError(wrapped)).toEqual({
      exitCode: EXIT_CODES.noPermission,
      message: 'FORBIDDEN_ACTION: needs birth_lane_reader',
    });
    expect(explainError(new CliError('noPermission', 'grant it')).exitCode).toBe(EXIT_CODES.noPermission);
  });
});
