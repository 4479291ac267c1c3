import pg from 'pg';
import { withDatabase } from './database-url.js';
import { buildingTemplateName, setupSqlHash, templateName } from './names.js';

const DUPLICATE_DATABASE = '42P04';

/**
 * How a template is made: `key` names its content (same key, same template, kept on the server for
 * later runs) and `build` fills a fresh database, given its URL.
 */
export interface TemplateRecipe {
  readonly key: readonly string[];
  build(connectionString: string): Promise<void>;
}

/** The recipe for a template that is `setupSql` run in order. */
export function setupSqlRecipe(setupSql: readonly string[]): TemplateRecipe {
  return { key: setupSql, build: (url) => runSetupSql(url, setupSql) };
}

/**
 * Makes sure the template database for `recipe` exists on the server and returns its name.
 *
 * Templates are published atomically: built under a temporary name, then renamed. So a template
 * that exists under its final name is always complete, and a build that dies half-way leaves at
 * worst a stray `bl_tpl_<hash>_<random>` database, never a broken template.
 *
 * `maintenance` is a connection to the server's maintenance database (the one in the server URL).
 */
export async function ensureTemplate(
  maintenance: pg.Client,
  serverUrl: string,
  recipe: TemplateRecipe,
): Promise<string> {
  const template = templateName(recipe.key);
  if (await databaseExists(maintenance, template)) return template;

  // Test files in parallel workers, and packages tested in parallel, ask for the same template at
  // the same moment; the lock makes all but one wait instead of building it again. It is
  // session-level so it also spans the CREATE/ALTER DATABASE statements, which cannot run in a
  // transaction, and the server drops it by itself if this process dies.
  const lockKey = setupSqlHash(recipe.key);
  await maintenance.query(`SELECT pg_advisory_lock(('x' || $1)::bit(64)::bigint)`, [lockKey]);
  try {
    if (await databaseExists(maintenance, template)) return template;
    await buildTemplate(maintenance, serverUrl, template, recipe);
    return template;
  } finally {
    await maintenance.query(`SELECT pg_advisory_unlock(('x' || $1)::bit(64)::bigint)`, [lockKey]);
  }
}

async function buildTemplate(
  maintenance: pg.Client,
  serverUrl: string,
  template: string,
  recipe: TemplateRecipe,
): Promise<void> {
  const building = buildingTemplateName(template);
  const buildingId = pg.escapeIdentifier(building);
  // template0 rather than the default template1: template1 on a shared server may carry
  // objects someone added, and a test database should hold what setupSql makes and nothing else.
  await maintenance.query(`CREATE DATABASE ${buildingId} TEMPLATE template0`);
  try {
    await recipe.build(withDatabase(serverUrl, building));
    // Nobody may connect to a template: a connection to it makes every CREATE DATABASE ...
    // TEMPLATE fail with 55006 "source database is being accessed by other users".
    await maintenance.query(`ALTER DATABASE ${buildingId} WITH ALLOW_CONNECTIONS false`);
  } catch (error) {
    await dropDatabase(maintenance, building);
    throw error;
  }
  try {
    await maintenance.query(`ALTER DATABASE ${buildingId} RENAME TO ${pg.escapeIdentifier(template)}`);
  } catch (error) {
    await dropDatabase(maintenance, building);
    // Another process (one that does not share our lock, e.g. an older kit) published the same
    // template first: same SQL, same content, so use theirs.
    if (!isPgError(error, DUPLICATE_DATABASE)) throw error;
  }
}

async function runSetupSql(url: string, setupSql: readonly string[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const [index, sql] of setupSql.entries()) {
      try {
        await client.query(sql);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(`[test-kit] setupSql[${index}] failed: ${reason}`, { cause: error });
      }
    }
  } finally {
    await client.end();
  }
}

export async function databaseExists(client: pg.Client, name: string): Promise<boolean> {
  const result = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  return result.rowCount === 1;
}

export async function dropDatabase(client: pg.Client, name: string): Promise<void> {
  // FORCE (PostgreSQL 13+) ends sessions still connected, e.g. a test's leaked client.
  await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
}

export function isPgError(error: unknown, sqlstate: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === sqlstate;
}
