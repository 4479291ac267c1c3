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
