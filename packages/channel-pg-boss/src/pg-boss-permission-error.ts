import { CliError, quoteRole } from '@birth-lane/contract/cli';

/**
 * The error for a login that may not create or use pg-boss's schema (SQLSTATE 42501), with the
 * exact statements for the database owner to paste: the login and database come from the
 * connection string (never its password).
 */
export function pgBossPermissionError(connectionString: string, schema: string, cause: unknown): CliError {
  const url = new URL(connectionString);
  const login = url.username ? quoteRole(decodeURIComponent(url.username)) : '<your login>';
  const database = url.pathname.replace(/^\//, '') || '<database>';
  return new CliError(
    'noPermission',
    `pg-boss may not create or use its schema "${schema}" (SQLSTATE 42501). As the database owner, either\n` +
      `  grant create on database ${quoteRole(decodeURIComponent(database))} to ${login};   -- pg-boss creates "${schema}" itself\n` +
      `or create it for that login:\n  create schema ${schema} authorization ${login};`,
    { cause },
  );
}
