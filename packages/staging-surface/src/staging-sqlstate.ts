/**
 * SQLSTATEs the staging functions raise (or PostgreSQL raises for them) that the contract's
 * SQLSTATE list does not name. Matched by code, never by message.
 */
export const STAGING_SQLSTATE = {
  /** SET ROLE to a role that does not exist; a definer function's refused parameter. */
  invalidParameterValue: '22023',
  /** drop/seal: no staging surface with that id. */
  noDataFound: 'P0002',
  /** drop: an object outside the surface depends on it. */
  dependentObjectsStillExist: '2BP01',
} as const;
