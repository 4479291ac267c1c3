import { ValidationError } from '@birth-lane/contract';

/**
 * Quotes a text value as a PostgreSQL string literal, for SQL that cannot take parameters
 * (compiled rule sets end up in DDL, procedures and pg_cron jobs).
 *
 * With standard_conforming_strings on (the default since PostgreSQL 9.1) a backslash inside '…'
 * is an ordinary character, so only quotes need doubling. A value that contains a backslash is
 * written as E'…' with both backslashes and quotes doubled instead, which reads the same whatever
 * standard_conforming_strings says: a session with the setting off cannot turn a pattern's `\'`
 * into the end of the literal. NUL cannot be stored in PostgreSQL text, so it is refused.
 */
export function quoteLiteral(value: string): string {
  if (value.includes('\u0000')) {
    throw new ValidationError('SQL literal', [
      {
        field: 'value',
        rule: 'no_nul',
        message: 'contains NUL (\\u0000), which PostgreSQL text cannot hold',
      },
    ]);
  }
  const quoted = value.replaceAll("'", "''");
  if (!value.includes('\\')) return `'${quoted}'`;
  return `E'${quoted.replaceAll('\\', '\\\\')}'`;
}
