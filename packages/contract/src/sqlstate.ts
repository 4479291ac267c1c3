/** SQLSTATE codes birth-lane matches on. PostgreSQL's own message text is never matched. */
export const SQLSTATE = {
  uniqueViolation: '23505',
  checkViolation: '23514',
  notNullViolation: '23502',
  foreignKeyViolation: '23503',
  insufficientPrivilege: '42501',
  undefinedTable: '42P01',
  undefinedFunction: '42883',
  undefinedObject: '42704',
  invalidSchemaName: '3F000',
  duplicateObject: '42710',
  queryCanceled: '57014',
  lockNotAvailable: '55P03',
  objectInUse: '55006',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
  featureNotSupported: '0A000',
  /** Raised by birth-lane's own guard triggers: the inspect stud or the certified pair was broken. */
  laneViolation: 'BL001',
  /** Raised by the append-only evidence log on UPDATE, DELETE or TRUNCATE. */
  appendOnlyViolation: 'BL002',
  /** Raised when an approval does not meet quorum for a database-side action. */
  approvalViolation: 'BL003',
} as const;
export type SqlState = (typeof SQLSTATE)[keyof typeof SQLSTATE];
