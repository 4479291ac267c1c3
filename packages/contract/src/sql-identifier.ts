import { ValidationError } from './errors.js';

/**
 * Quotes a PostgreSQL identifier (schema, table, role, staging surface name). The one place
 * identifiers are escaped; values are always passed as parameters instead.
 */
export function quoteIdentifier(name: string): string {
  if (name.length === 0 || name.length > 63 || name.includes('\u0000')) {
    throw new ValidationError('identifier', [
      {
        field: 'identifier',
        rule: 'identifier',
        message: `"${name}" must be 1 to 63 characters without NUL`,
      },
    ]);
  }
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes `schema.name`. */
export function quoteQualified(schema: string, name: string): string {
  return `${quoteIdentifier(schema)}.${quoteIdentifier(name)}`;
}

/**
 * Quotes a text value as a PostgreSQL string literal, for SQL that cannot take parameters
 * (generated trigger bodies, compiled rule sets in procedures and pg_cron jobs). Values in
 * ordinary queries are always parameters instead.
 *
 * Quotes are doubled. A value holding a backslash is written as E'…' with backslashes doubled too,
 * so it reads the same whether or not standard_conforming_strings is on: a session with the
 * setting off cannot turn `\'` into the end of the literal. NUL cannot be stored in PostgreSQL
 * text, so it is refused, naming `field`.
 */
export function quoteLiteral(value: string, field = 'value'): string {
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
