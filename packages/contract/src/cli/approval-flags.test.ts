import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { parseExpiresIn, parseRequestFlags, parseRequestId, parseVoteFlags } from './approval-flags.js';

/** The issues of the ValidationError `run` throws, as `field: rule`. */
function issuesOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (ValidationError.isInstance(error))
      return error.issues.map((issue) => `${issue.field}: ${issue.rule}`);
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('approval flags', () => {
  it('--expires-in takes minutes, hours or days', () => {
    expect(parseExpiresIn('90m')).toBe(5_400);
    expect(parseExpiresIn(' 12h ')).toBe(43_200);
    expect(parseExpiresIn('7d')).toBe(604_800);
    expect(issuesOf(() => parseExpiresIn('7 days'))).toEqual(['--expires-in: duration']);
  });

  it('a bad request names the flag the user typed, not the schema field', () => {
    const issues = issuesOf(() =>
      parseRequestFlags({ action: 'gate_flip', scope: '{}', risk: 'high', reason: 'r', expiresIn: '90d' }),
    );
    expect(issues).toContain('--scope: not_blanket');
    expect(issues).toContain('--expires-in: max');
    expect(
      issuesOf(() => parseRequestFlags({ action: 'gate_flip', scope: '{', risk: 'high', reason: 'r' })),
    ).toEqual(['--scope: json']);
  });

  it('refuses a promotion request before connecting: the certify consumer files those', () => {
    expect(
      issuesOf(() =>
        parseRequestFlags({ action: 'promotion', scope: '{"rowId":"1"}', risk: 'high', reason: 'r' }),
      ),
    ).toEqual(['--action: promotion_filed_by_lane']);
  });

  it('a valid request becomes the gate input, the expiry in seconds', () => {
    expect(
      parseRequestFlags({
        action: 'gate_flip',
        scope: '{"mode":"block"}',
        risk: 'high',
        reason: 'r',
        expiresIn: '2d',
      }),
    ).toMatchObject({
      action: 'gate_flip',
      scope: { mode: 'block' },
      risk: 'high',
      expiresInSeconds: 172_800,
    });
  });

  it('a vote needs exactly one decision, a known role and a request id', () => {
    expect(issuesOf(() => parseVoteFlags('x', { approve: true, reject: true, as: 'member' }))).toEqual([
      '<id>: row_id',
      '--approve/--reject: exactly_one',
      '--as: one_of',
    ]);
    expect(parseVoteFlags('12', { reject: true, as: 'ai_council', comment: 'wait' })).toEqual({
      requestId: '12',
      decision: 'reject',
      comment: 'wait',
      role: 'ai_council',
    });
    expect(issuesOf(() => parseRequestId('0', 'approvals show'))).toEqual(['<id>: row_id']);
  });
});
