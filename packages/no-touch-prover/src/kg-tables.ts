import { ValidationError } from '@birth-lane/contract';

/** The knowledge-graph tables NT-5 counts unless told otherwise (seed 002). */
export const DEFAULT_KG_TABLES: readonly string[] = ['universal_edges', 'provenance'];

/** The environment variable that names other KG tables (comma-separated), read by the CLI. */
export const KG_TABLES_ENV = 'BIRTH_LANE_KG_TABLES';

const NAME = /^[a-z_][a-z0-9_$]{0,62}(\.[a-z_][a-z0-9_$]{0,62})?$/;

/**
 * A KG table name as `table` (schema public) or `schema.table`, lower-case unquoted identifiers.
 * Returns the qualified form; anything else is refused by field and rule.
 */
export function parseKgTables(value: string | readonly string[], field = 'kgTables'): string[] {
  const names = (typeof value === 'string' ? value.split(',') : [...value])
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
  const issues = names.flatMap((name, index) =>
    NAME.test(name)
      ? []
      : [
          {
            field: `${field}.${index}`,
            rule: 'pattern',
            message: `"${name}" is not a table name (lower-case letters, digits, _ and $, optionally schema.table)`,
          },
        ],
  );
  if (issues.length > 0) throw new ValidationError('knowledge-graph tables', issues);
  return [...new Set(names.map((name) => (name.includes('.') ? name : `public.${name}`)))];
}
