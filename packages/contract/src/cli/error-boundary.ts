import { EXIT_CODES } from '../exit-codes.js';
import { CliError, quoteRole } from './cli-error.js';
import type { LaneRoleNeed } from './command-host.js';

/** What the boundary knows of the failing command, so a permission error can name the exact GRANT. */
export interface ErrorContext {
  /** The role the failing command needs, for the GRANT a permission error prints. */
  readonly needs?: LaneRoleNeed;
  /** The login the command connected as, for that GRANT. */
  readonly login?: string;
}

export interface ExplainedError {
  readonly exitCode: number;
  readonly message: string;
}

// SQLSTATE classes and codes matched here; PostgreSQL's message text is never matched.
const UNDEFINED_TABLE = '42P01';
const UNDEFINED_COLUMN = '42703';
const UNDEFINED_FUNCTION = '42883';
const INVALID_SCHEMA_NAME = '3F000';
const INSUFFICIENT_PRIVILEGE = '42501';
const CONNECTION_CLASS = '08';
const CANNOT_CONNECT_NOW = '57P03';
const ADMIN_SHUTDOWN = '57P01';
const CRASH_SHUTDOWN = '57P02';

/**
 * The one error boundary: every error a command lets through (the app's or a package's) becomes
 * one message naming the cause and the fix, and an exit code (see EXIT_CODES). Classified by error
 * type, SQLSTATE or Node's system error code, never by message text. Pure, so it is unit-tested
 * apart from any database.
 */
export function explainError(error: unknown, context: ErrorContext = {}): ExplainedError {
  if (CliError.isInstance(error)) return { exitCode: error.exitCode, message: error.message };
  if (hasMarker(error, 'ValidationError'))
    return { exitCode: EXIT_CODES.usage, message: (error as Error).message };

  // A lane error already names its cause and fix (its code says which); only a DATABASE_ERROR is
  // classified by the SQLSTATE it wraps, below.
  if (hasMarker(error, 'BirthLaneError')) {
    const code = (error as { code?: string }).code;
    const message = `${code}: ${(error as Error).message}`;
    // A setting the command cannot work with (e.g. a data directory the embedded server cannot reach).
    if (code === 'CONFIGURATION_INVALID') return { exitCode: EXIT_CODES.usage, message };
    // The login lacks a lane role: the message names the roles (approvals, approvers).
    if (code === 'FORBIDDEN_ACTION') return { exitCode: EXIT_CODES.noPermission, message };
    // No valid rule set to judge by: the same exit code as a run that found none, whatever refused.
    if (code === 'SOURCE_RECOVERY_REQUIRED')
      return { exitCode: EXIT_CODES.source_recovery_required, message };
    if (code !== 'DATABASE_ERROR') return { exitCode: EXIT_CODES.failed, message };
  }

  const sqlState = sqlStateIn(error);
  if (
    sqlState === UNDEFINED_TABLE ||
    sqlState === UNDEFINED_COLUMN ||
    sqlState === INVALID_SCHEMA_NAME ||
    sqlState === UNDEFINED_FUNCTION
  ) {
    return {
      exitCode: EXIT_CODES.unavailable,
      message:
        `the lane is not installed in this database, or not completely (SQLSTATE ${sqlState}: ${messageOf(error)}).\n` +
        'Run `birth-lane install` (as the lane owner) and try again.',
    };
  }
  if (sqlState === INSUFFICIENT_PRIVILEGE) {
    return { exitCode: EXIT_CODES.noPermission, message: permissionMessage(error, context) };
  }
  if (
    sqlState?.startsWith(CONNECTION_CLASS) ||
    sqlState === CANNOT_CONNECT_NOW ||
    sqlState === ADMIN_SHUTDOWN ||
    sqlState === CRASH_SHUTDOWN ||
    systemErrorCodeIn(error) !== undefined
  ) {
    return {
      exitCode: EXIT_CODES.unavailable,
      message: `lost the database connection (${sqlState ?? systemErrorCodeIn(error)}): ${messageOf(error)}`,
    };
  }
  if (hasMarker(error, 'BirthLaneError'))
    return { exitCode: EXIT_CODES.failed, message: `DATABASE_ERROR: ${messageOf(error)}` };
  return {
    exitCode: EXIT_CODES.internal,
    message:
      `internal error: ${messageOf(error)}${sqlState ? ` (SQLSTATE ${sqlState})` : ''}\n` +
      'This is a bug in birth-lane. Run the command again with --debug for the stack trace, and report it.',
  };
}

function permissionMessage(error: unknown, context: ErrorContext): string {
  const login = context.login ? quoteRole(context.login) : '<your login>';
  const grant =
    context.needs === undefined || context.needs === 'owner'
      ? 'Run this command as the lane owner (the login that ran `birth-lane install`).'
      : `As the lane owner, grant the lane role this command needs:\n  grant ${context.needs} to ${login};`;
  return `permission denied (SQLSTATE 42501): ${messageOf(error)}\n${grant}`;
}

function hasMarker(value: unknown, name: string): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[Symbol.for(`birth-lane.error.${name}`)] === true
  );
}

/** The SQLSTATE of the error or of the first error in its cause chain that has one. */
export function sqlStateIn(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 8; depth++) {
    if (typeof current !== 'object') return undefined;
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Node's system error code (ECONNREFUSED, ENOTFOUND, …) of a network failure, in the cause chain or an AggregateError. */
export function systemErrorCodeIn(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 8; depth++) {
    if (typeof current !== 'object') return undefined;
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    const inner = (current as { errors?: unknown }).errors;
    if (Array.isArray(inner))
      for (const each of inner) if (systemErrorCodeIn(each)) return systemErrorCodeIn(each);
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

function messageOf(error: unknown): string {
  if (error instanceof Error) {
    if (error.message) return error.message;
    const inner = (error as { errors?: unknown }).errors;
    if (Array.isArray(inner) && inner[0] instanceof Error) return inner[0].message;
    return error.name;
  }
  return String(error);
}

/** The stack of the error and of each cause, for --debug. */
export function stackOf(error: unknown): string {
  const parts: string[] = [];
  for (let current = error, depth = 0; current && depth < 8; depth++) {
    parts.push(current instanceof Error ? (current.stack ?? current.message) : String(current));
    current = typeof current === 'object' ? (current as { cause?: unknown }).cause : undefined;
  }
  return parts.join('\ncaused by: ');
}
