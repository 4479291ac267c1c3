import { createHash, randomBytes } from 'node:crypto';

/** PostgreSQL truncates identifiers longer than this (NAMEDATALEN - 1), so names must fit. */
const MAX_IDENTIFIER_LENGTH = 63;

/**
 * The first 16 hex digits of the sha256 of the setup SQL. JSON keeps the array's boundaries,
 * so ['a', 'b'] and ['ab'] hash differently.
 */
export function setupSqlHash(setupSql: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify(setupSql)).digest('hex').slice(0, 16);
}

/** The template database that holds the result of running `setupSql`: same SQL, same name. */
export function templateName(setupSql: readonly string[]): string {
  return `bl_tpl_${setupSqlHash(setupSql)}`;
}

/** A unique name under which a template is built before it is published by a rename. */
export function buildingTemplateName(template: string): string {
  return `${template}_${randomSuffix()}`;
}

/** A unique test database name; `label` (e.g. the test file's topic) is kept readable if given. */
export function testDatabaseName(label?: string): string {
  const prefix = 'bl_t_';
  const suffix = randomSuffix();
  const cleaned = (label ?? '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, MAX_IDENTIFIER_LENGTH - prefix.length - suffix.length - 1)
    .replace(/_+$/, '');
  return cleaned ? `${prefix}${cleaned}_${suffix}` : `${prefix}${suffix}`;
}

function randomSuffix(): string {
  return randomBytes(4).toString('hex');
}
