/**
 * Errors every block throws. Each carries a stable `code` callers can switch on, and a
 * `Symbol.for` marker so `isInstance` works even when two copies of the contract are loaded
 * (blocks are versioned independently, so a user may well have two).
 */

export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'CONFIGURATION_INVALID',
  'CONTRACT_VIOLATION',
  'APPROVAL_REQUIRED',
  'QUORUM_NOT_MET',
  'APPROVAL_REFUSED',
  'SOURCE_RECOVERY_REQUIRED',
  'FORBIDDEN_ACTION',
  'DATABASE_ERROR',
  'STOP_CONDITION',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

const MARKER = Symbol.for('birth-lane.error.BirthLaneError');

export class BirthLaneError extends Error {
  readonly code: ErrorCode;
  readonly [MARKER] = true;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BirthLaneError';
    this.code = code;
  }

  static isInstance(value: unknown): value is BirthLaneError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }
}

/** One broken rule on one field of one input. */
export interface ValidationIssue {
  /** Dotted path of the field, e.g. `entity_code` or `stages.pen.0.pattern`; `(input)` for the whole value. */
  readonly field: string;
  /** The rule that failed, e.g. `required`, `pattern`, `one_of`, `type`. */
  readonly rule: string;
  readonly message: string;
}

const VALIDATION_MARKER = Symbol.for('birth-lane.error.ValidationError');

export class ValidationError extends BirthLaneError {
  readonly issues: readonly ValidationIssue[];
  /** What was being validated, e.g. `birth input`, `rule set`, `--batch-size`. */
  readonly subject: string;
  readonly [VALIDATION_MARKER] = true;

  constructor(subject: string, issues: readonly ValidationIssue[], options?: { cause?: unknown }) {
    const lines = issues.map((issue) => `  - ${issue.field}: ${issue.message} (rule: ${issue.rule})`);
    super('VALIDATION_FAILED', `Invalid ${subject}:\n${lines.join('\n')}`, options);
    this.name = 'ValidationError';
    this.subject = subject;
    this.issues = issues;
  }

  static override isInstance(value: unknown): value is ValidationError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[VALIDATION_MARKER] === true
    );
  }
}

const APPROVAL_MARKER = Symbol.for('birth-lane.error.ApprovalError');

/**
 * A write-enabled move was attempted without an approval that meets quorum for that action and
 * scope (APPROVAL_REQUIRED, QUORUM_NOT_MET), or the database refused an approval step
 * (APPROVAL_REFUSED: a vote by the proposer, in a role not held, on a closed request, ...).
 * `rule` is the rule that failed, from the CONSTRAINT field of the BL003 error when there is one.
 */
export class ApprovalError extends BirthLaneError {
  readonly action: string;
  readonly rule: string | undefined;
  readonly [APPROVAL_MARKER] = true;

  constructor(
    code: 'APPROVAL_REQUIRED' | 'QUORUM_NOT_MET' | 'APPROVAL_REFUSED',
    action: string,
    message: string,
    options?: { cause?: unknown; rule?: string },
  ) {
    super(code, message, options);
    this.name = 'ApprovalError';
    this.action = action;
    this.rule = options?.rule;
  }

  static override isInstance(value: unknown): value is ApprovalError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[APPROVAL_MARKER] === true
    );
  }
}

/** Wraps a PostgreSQL error with the SQLSTATE it carried, so callers match on codes, never messages. */
export class DatabaseError extends BirthLaneError {
  readonly sqlState: string | undefined;

  constructor(message: string, options: { cause: unknown }) {
    super('DATABASE_ERROR', message, options);
    this.name = 'DatabaseError';
    this.sqlState = sqlStateOf(options.cause);
  }
}

/** The SQLSTATE of a `pg` error (or anything shaped like one), else undefined. */
export function sqlStateOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}
