import { ValidationError } from '@birth-lane/contract';

/**
 * Quotes a value as a PostgreSQL string literal, for generated DDL only (trigger bodies cannot take
 * bind parameters). Like PostgreSQL's own quote_literal: quotes are doubled, and a value holding a
 * backslash uses the E'' form with backslashes doubled, so the result means the same thing whether
 * or not standard_conforming_strings is on.
 */
export function quoteLiteral(value: string, field = 'literal'): string {
  if (value.includes('\u0000')) {
    throw new ValidationError('SQL literal', [
      {
        field,
        rule: 'no_nul',
        message: 'must not contain a NUL character (PostgreSQL text cannot hold one)',
      },
    ]);
  }
  const quoted = value.replaceAll("'", "''");
  return value.includes('\\') ? `E'${quoted.replaceAll('\\', '\\\\')}'` : `'${quoted}'`;
}
