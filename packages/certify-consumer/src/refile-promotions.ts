import { BirthLaneError, DatabaseError, type Queryable, SQLSTATE, sqlStateOf } from '@birth-lane/contract';
import { DEFAULT_REFILE_LIMIT } from './refile-limit.js';

/**
 * Files a fresh promotion request for every canonical row that is ready for one but has no open
 * request of the certify consumer (its request expired or was used without certifying it): governed,
 * uncertified, PEN, STAMP and GATE present and in order. The database picks the rows and writes the
 * requests as the certify consumer, with their promotion_requested evidence; the caller chooses
 * only how many at most. Needs birth_lane_governance. Returns how many requests were filed.
 */
export async function refilePromotionRequests(
  db: Queryable,
  options: { limit?: number } = {},
): Promise<number> {
  const limit = options.limit ?? DEFAULT_REFILE_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) {
    throw new BirthLaneError('VALIDATION_FAILED', `limit ${limit}: give a whole number from 1 to 100000`);
  }
  try {
    const { rows } = await db.query<{ filed: number }>(
      'select birth_lane.refile_promotion_requests($1::integer) as filed',
      [limit],
    );
    return rows[0]!.filed;
  } catch (error) {
    if (sqlStateOf(error) === SQLSTATE.insufficientPrivilege) {
      throw new BirthLaneError(
        'FORBIDDEN_ACTION',
        `re-filing promotion requests refused: ${(error as Error).message}. The login needs birth_lane_governance.`,
        { cause: error },
      );
    }
    throw new DatabaseError(`re-filing promotion requests failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
