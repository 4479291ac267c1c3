import { EXIT_CODES } from '../exit-codes.js';

const MARKER = Symbol.for('birth-lane.error.CliError');

/** What a person can do about a failed command, with the exit code that classifies it. */
export type CliErrorKind = 'unavailable' | 'noPermission' | 'usage' | 'internal' | 'stop_condition';

/**
 * An error the command line explains to a person: the message already names the cause and the fix,
 * so the error boundary prints it as it is (no stack trace unless --debug). Any package's command
 * may throw it; the marker makes it recognisable across copies of this package.
 */
export class CliError extends Error {
  readonly kind: CliErrorKind;
  readonly [MARKER] = true;

  constructor(kind: CliErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
    this.kind = kind;
  }

  get exitCode(): number {
    return EXIT_CODES[this.kind];
  }

  static isInstance(value: unknown): value is CliError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }
}

/** A quoted SQL role name for a GRANT a person will paste. */
export function quoteRole(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}
