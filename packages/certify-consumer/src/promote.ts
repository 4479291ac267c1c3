import {
  ApprovalError,
  BirthLaneError,
  DatabaseError,
  parseOrThrow,
  type Queryable,
  rowIdSchema,
  SQLSTATE,
  sqlStateOf,
} from '@birth-lane/contract';
import { z } from 'zod';
import { PROMOTE_ROW_SQL } from './sql/promote-row.js';

const promoteInputSchema = z.strictObject({ rowId: rowIdSchema, approvalRequestId: rowIdSchema });

export interface PromoteInput {
  /** The registry row to certify (bigint as a decimal string, or a safe integer). */
  readonly rowId: string | number;
  /** The approval request for action `promotion` and scope `{ "rowId": "<rowId>" }`. */
  readonly approvalRequestId: string | number;
}

/** The scope a promotion request covers: exactly one row, its id as a JSON string. */
export function promotionScope(rowId: string | number): { rowId: string } {
  return { rowId: parseOrThrow(rowIdSchema, rowId, 'row id') };
}

/**
 * Certifies a canonical row through `birth_lane.promote`, which holds the rules: the request is
 * for `promotion` of exactly this row, is high risk, meets quorum (one president and two
 * ai_council approvals, no reject, the proposer not counting), has not expired and was never used
 * (promote consumes it: a second use is refused); the row is governed, uncertified,
 * canonical, and its three stamps are present and in order. Nothing is written on a refusal.
 * Throws ApprovalError when the approval does not hold and BirthLaneError(CONTRACT_VIOLATION)
 * when the row may not be promoted.
 */
export async function promote(db: Queryable, input: PromoteInput): Promise<void> {
  const { rowId, approvalRequestId } = parseOrThrow(promoteInputSchema, input, 'promotion');
  try {
    await db.query(PROMOTE_ROW_SQL, [rowId, approvalRequestId]);
  } catch (error) {
    throw promotionErrorFrom(error, { rowId, approvalRequestId });
  }
}

/** Maps a database refusal of `birth_lane.promote` onto the contract's errors, by SQLSTATE. */
export function promotionErrorFrom(
  error: unknown,
  input: { rowId: string; approvalRequestId: string },
): BirthLaneError {
  const what = `Promotion of registry row ${input.rowId} with approval request ${input.approvalRequestId}`;
  const reason = error instanceof Error ? error.message : String(error);
  // The function names the broken rule in the error's CONSTRAINT field; messages are never matched.
  const rule =
    typeof error === 'object' && error !== null ? (error as { constraint?: unknown }).constraint : undefined;
  switch (sqlStateOf(error)) {
    case SQLSTATE.approvalViolation:
      // approval_quorum is raised by birth_lane.consume_approval, which promote uses its approval through.
      return rule === 'approval_quorum'
        ? new ApprovalError(
            'QUORUM_NOT_MET',
            'promotion',
            `${what} refused: ${reason}. Collect the missing votes on that request (one president and two ai_council ` +
              'approvals from voters other than the proposer, and no reject), then promote again.',
            { cause: error },
          )
        : new ApprovalError(
            'APPROVAL_REQUIRED',
            'promotion',
            `${what} refused: ${reason}. Use the high-risk request for action "promotion" and scope ` +
              `{"rowId":"${input.rowId}"} (the certify consumer raises one when the row's stamps complete).`,
            { cause: error },
          );
    case SQLSTATE.laneViolation:
      return new BirthLaneError(
        'CONTRACT_VIOLATION',
        `${what} refused: ${reason}. Only a governed, uncertified row of a canonical collection whose PEN, STAMP ` +
          'and GATE are present and in order can be promoted.',
        { cause: error },
      );
    case SQLSTATE.insufficientPrivilege:
      return new BirthLaneError(
        'FORBIDDEN_ACTION',
        `${what} refused: the connected role may not execute birth_lane.promote. Grant birth_lane_promoter to it.`,
        { cause: error },
      );
    case SQLSTATE.undefinedFunction:
      return new BirthLaneError(
        'CONFIGURATION_INVALID',
        `${what} failed: birth_lane.promote is not installed. Apply the certify consumer's install steps (certifySteps).`,
        { cause: error },
      );
    default:
      return new DatabaseError(`${what} failed in the database: ${reason}`, { cause: error });
  }
}
