/**
 * Why the embedded PostgreSQL cannot serve: `configuration`, something the user must change (a
 * folder the OS user "postgres" cannot reach); `unavailable`, it did not start or its binaries
 * are missing. The message names the cause and the fix; the app turns the kind into its exit code.
 */
export type EmbeddedDatabaseErrorKind = 'configuration' | 'unavailable';

export class EmbeddedDatabaseError extends Error {
  readonly kind: EmbeddedDatabaseErrorKind;

  constructor(kind: EmbeddedDatabaseErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EmbeddedDatabaseError';
    this.kind = kind;
  }
}
