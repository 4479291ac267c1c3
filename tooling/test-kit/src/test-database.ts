import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { withDatabase } from './database-url.js';
import { testDatabaseName } from './names.js';
import { serverUrl } from './server-url.js';
import {
  databaseExists,
  dropDatabase,
  ensureTemplate,
  isPgError,
  setupSqlRecipe,
  type TemplateRecipe,
} from './template.js';

export interface TestDatabaseOptions {
  /** SQL run once, in order, to build the template every test database is cloned from. */
  setupSql?: string[];
  /**
   * Instead of setupSql: a function that builds the template (install a lane, activate a rule set),
   * run once per distinct `key`. The key must change whenever what `build` makes would.
   */
  template?: TemplateRecipe;
  /** A readable label put into the database name (handy when looking at the server). */
  name?: string;
}

export interface TestDatabase {
  /** URL of this test database, for code under test that takes a connection string. */
  connectionString: string;
  /** A pool on this database; ended by close(). */
  pool: pg.Pool;
  databaseName: string;
  /** An extra, independent client (its own session), e.g. to test locking or LISTEN/NOTIFY. */
  connect(): Promise<pg.Client>;
  /**
   * A client on this database logged in as another role (its own session, so session_user is
   * `login`): how tests act as a lane role or an approver. The password is sent on servers that
   * ask for one (embedded PostgreSQL) and ignored on trust servers. close() ends it.
   */
  connectAs(login: string, password: string): Promise<pg.Client>;
  /** Ends the pool and the clients from connect(), and drops the database. */
  close(): Promise<void>;
}

const OBJECT_IN_USE = '55006';
const CLONE_ATTEMPTS = 5;

/**
 * Creates a fresh database for one test file, cloned from the template that `setupSql` builds
 * (built once per distinct setupSql and kept on the server for the next runs).
 */
export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const server = serverUrl();
  const databaseName = testDatabaseName(options.name);

  await withMaintenanceClient(server, async (maintenance) => {
    if (options.template && options.setupSql)
      throw new Error('[test-kit] give useTestDatabase either setupSql or template, not both');
    const template = await ensureTemplate(
      maintenance,
      server,
      options.template ?? setupSqlRecipe(options.setupSql ?? []),
    );
    await cloneDatabase(maintenance, template, databaseName);
  });

  const connectionString = withDatabase(server, databaseName);
  const pool = new pg.Pool({ connectionString });
  // close() drops the database WITH (FORCE). A backend that is still shutting down when that
  // happens sends 57P01 to a client the pool has already let go of; without a listener of its
  // own that late error would surface as an unhandled error and fail the test run.
  const ignoreLateError = () => undefined;
  pool.on('error', ignoreLateError);
  pool.on('connect', (client) => client.on('error', ignoreLateError));
  const clients = new Set<pg.Client>();
  let closed: Promise<void> | undefined;

  return {
    connectionString,
    pool,
    databaseName,
    async connect() {
      const client = new pg.Client({ connectionString });
      client.on('error', ignoreLateError);
      await client.connect();
      clients.add(client);
      return client;
    },
    async connectAs(login, password) {
      // pg lets the URL's user and password win over separate fields, so put them into the URL.
      const url = new URL(connectionString);
      url.username = encodeURIComponent(login);
      url.password = encodeURIComponent(password);
      const client = new pg.Client({ connectionString: url.toString() });
      client.on('error', ignoreLateError);
      await client.connect();
      clients.add(client);
      return client;
    },
    close() {
      closed ??= (async () => {
        // End our own connections first: DROP ... WITH (FORCE) would otherwise kill them and
        // their 'error' events would surface as unhandled errors in the test worker.
        await Promise.all([...clients].map((client) => client.end().catch(() => undefined)));
        await pool.end();
        await withMaintenanceClient(server, (maintenance) => dropDatabase(maintenance, databaseName));
      })();
      return closed;
    },
  };
}

/** True if a database of that name exists on the test server; for tests of cleanup. */
export async function testDatabaseExists(databaseName: string): Promise<boolean> {
  return withMaintenanceClient(serverUrl(), (maintenance) => databaseExists(maintenance, databaseName));
}

async function cloneDatabase(maintenance: pg.Client, template: string, databaseName: string): Promise<void> {
  const sql = `CREATE DATABASE ${pg.escapeIdentifier(databaseName)} TEMPLATE ${pg.escapeIdentifier(template)}`;
  for (let attempt = 1; ; attempt++) {
    try {
      await maintenance.query(sql);
      return;
    } catch (error) {
      // Someone is connected to the template (e.g. a person inspecting it, or the moment of a
      // publish on an older server); that passes, so wait a little and try again.
      if (!isPgError(error, OBJECT_IN_USE) || attempt === CLONE_ATTEMPTS) throw error;
      await sleep(50 * 2 ** attempt);
    }
  }
}

async function withMaintenanceClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
