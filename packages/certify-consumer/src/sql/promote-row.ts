/** The approved promotion path; the function checks the approval and the row itself. */
export const PROMOTE_ROW_SQL = 'select birth_lane.promote($1::bigint, $2::bigint)';
