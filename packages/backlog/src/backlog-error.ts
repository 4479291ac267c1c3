import { ApprovalError, BirthLaneError, DatabaseError, SQLSTATE, sqlStateOf } from '@birth-lane/contract';

/** The lane rule a BL001/BL003 refusal names (the CONSTRAINT field of the PostgreSQL error). */
export function constraintOf(error: unknown): string | undefined {
  const constraint = (error as { constraint?: unknown } | null)?.constraint;
  return typeof constraint === 'string' ? constraint : undefined;
}

/**
 * A database refusal as the lane's error, matched by SQLSTATE and the rule it names: an approval
 * refusal (BL003) is an ApprovalError, a lane rule (BL001) a STOP_CONDITION, a missing privilege a
 * FORBIDDEN_ACTION naming the role to grant; anything else a DatabaseError. `doing` says what failed.
 */
export function backlogErrorFrom(error: unknown, doing: string, action = 'backlog_pass'): Error {
  if (BirthLaneError.isInstance(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  const rule = constraintOf(error);
  switch (sqlStateOf(error)) {
    case SQLSTATE.approvalViolation: {
      const code =
        rule === 'approval_quorum'
          ? 'QUORUM_NOT_MET'
          : rule === 'approval_request_exists'
            ? 'APPROVAL_REQUIRED'
            : 'APPROVAL_REFUSED';
      return new ApprovalError(code, action, `${doing} refused: ${message}`, { cause: error, rule });
    }
    case SQLSTATE.laneViolation:
      return new BirthLaneError(
        'STOP_CONDITION',
        `${doing} refused: ${message}${rule ? ` (rule ${rule})` : ''}`,
        {
          cause: error,
        },
      );
    case SQLSTATE.insufficientPrivilege:
      return new BirthLaneError(
        'FORBIDDEN_ACTION',
        `${doing} refused: ${message}. Backlog passes run as a login holding birth_lane_backlog; planning ` +
          'needs birth_lane_governance or an approver role; revoking needs an approver role.',
        { cause: error },
      );
    default:
      return new DatabaseError(`${doing} failed: ${message}`, { cause: error });
  }
}
