import {
  ApprovalError,
  BirthLaneError,
  DatabaseError,
  type Queryable,
  ValidationError,
} from '@birth-lane/contract';
import { describe, expect, it } from 'vitest';
import { promote, promotionErrorFrom, promotionScope } from './promote.js';

/** Records what would be sent; these tests are about what happens before and after the database. */
function recordingDb(): Queryable & { sent: unknown[][] } {
  const sent: unknown[][] = [];
  return {
    sent,
    async query(text: string, values?: unknown[]) {
      sent.push([text, values]);
      return { rows: [], rowCount: 0 };
    },
  };
}

const input = { rowId: '42', approvalRequestId: '7' };

describe('promote input', () => {
  it.each([
    [{ rowId: '0', approvalRequestId: '7' }, 'rowId'],
    [{ rowId: 'abc', approvalRequestId: '7' }, 'rowId'],
    [{ rowId: '42', approvalRequestId: -1 }, 'approvalRequestId'],
    [{ rowId: '42' }, 'approvalRequestId'],
  ])('refuses %j naming %s, and sends nothing', async (bad, field) => {
    const db = recordingDb();
    const error = await promote(db, bad as never).catch((caught: unknown) => caught);
    expect(ValidationError.isInstance(error)).toBe(true);
    expect((error as ValidationError).issues.map((issue) => issue.field)).toContain(field);
    expect(db.sent).toEqual([]);
  });

  it('sends the ids as decimal strings with bigint casts', async () => {
    const db = recordingDb();
    await promote(db, { rowId: 42, approvalRequestId: '7' });
    expect(db.sent).toEqual([['select birth_lane.promote($1::bigint, $2::bigint)', ['42', '7']]]);
  });
});

describe('promotionScope', () => {
  it('is exactly the row id as a JSON string', () => {
    expect(promotionScope(42)).toEqual({ rowId: '42' });
    expect(() => promotionScope('4x')).toThrow(/row id/);
  });
});

describe('promotionErrorFrom maps by SQLSTATE and rule, never by message', () => {
  const pgError = (code: string, constraint?: string) =>
    Object.assign(new Error('birth_lane.promote: something'), { code, constraint });

  it('BL003 quorum → ApprovalError QUORUM_NOT_MET', () => {
    const error = promotionErrorFrom(pgError('BL003', 'approval_quorum'), input);
    expect(ApprovalError.isInstance(error)).toBe(true);
    expect(error.code).toBe('QUORUM_NOT_MET');
    expect((error as ApprovalError).action).toBe('promotion');
    expect(error.message).toMatch(/row 42 with approval request 7.*president/s);
  });

  it('BL003 wrong scope → ApprovalError APPROVAL_REQUIRED naming the scope to use', () => {
    const error = promotionErrorFrom(pgError('BL003', 'promotion_request_scope'), input);
    expect(ApprovalError.isInstance(error)).toBe(true);
    expect(error.code).toBe('APPROVAL_REQUIRED');
    expect(error.message).toContain('{"rowId":"42"}');
  });

  it('BL001 → BirthLaneError CONTRACT_VIOLATION', () => {
    const error = promotionErrorFrom(pgError('BL001', 'promotion_stamps_complete'), input);
    expect(ApprovalError.isInstance(error)).toBe(false);
    expect(error.code).toBe('CONTRACT_VIOLATION');
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('42501 → FORBIDDEN_ACTION telling which role to grant; 42883 → not installed; other → DatabaseError', () => {
    expect(promotionErrorFrom(pgError('42501'), input).message).toContain('birth_lane_promoter');
    expect(promotionErrorFrom(pgError('42501'), input).code).toBe('FORBIDDEN_ACTION');
    expect(promotionErrorFrom(pgError('42883'), input).code).toBe('CONFIGURATION_INVALID');
    const other = promotionErrorFrom(pgError('57014'), input);
    expect(other).toBeInstanceOf(DatabaseError);
    expect((other as DatabaseError).sqlState).toBe('57014');
    expect(BirthLaneError.isInstance(promotionErrorFrom('not an error', input))).toBe(true);
  });
});
