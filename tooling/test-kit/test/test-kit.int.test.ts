import { randomUUID } from 'node:crypto';
import {
  createTestDatabase,
  serverUrl,
  templateName,
  testDatabaseExists,
  useTestDatabase,
} from '@birth-lane/test-kit';
import pg from 'pg';
import { describe, expect, test } from 'vitest';
import { notesSetupSql } from './shared-setup.js';

async function bodies(pool: pg.Pool): Promise<string[]> {
  const { rows } = await pool.query<{ body: string }>('SELECT body FROM notes ORDER BY id');
  return rows.map((row) => row.body);
}

async function onMaintenance<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

describe('a template built by a function (template: { key, build })', () => {
  // A key unique to this run, so the template is built here and not found from an earlier run.
  const key = ['built by a function', randomUUID()];
  let builds = 0;
  const recipe = {
    key,
    async build(connectionString: string) {
      builds += 1;
      const client = new pg.Client({ connectionString });
      await client.connect();
      try {
        await client.query("CREATE TABLE made (what text); INSERT INTO made VALUES ('by build')");
      } finally {
        await client.end();
      }
    },
  };

  test('is built once per key and cloned for every database that asks for it', async () => {
    const first = await createTestDatabase({ template: recipe });
    const second = await createTestDatabase({ template: recipe });
    try {
      for (const db of [first, second]) {
        const { rows } = await db.pool.query<{ what: string }>('SELECT what FROM made');
        expect(rows).toEqual([{ what: 'by build' }]);
      }
      expect(builds).toBe(1);
      expect(await testDatabaseExists(templateName(key))).toBe(true);
    } finally {
      await first.close();
      await second.close();
      await onMaintenance((client) => client.query(`DROP DATABASE IF EXISTS ${templateName(key)}`));
    }
  });

  test('refuses setupSql and a template together', async () => {
    await expect(createTestDatabase({ setupSql: [], template: recipe })).rejects.toThrow(
      /either setupSql or template/,
    );
  });
});

describe('a test file database (useTestDatabase)', () => {
  const t = useTestDatabase({ setupSql: notesSetupSql, name: 'int one' });

  test('is cloned from the template, so it starts with what setupSql made', async () => {
    expect(t.db.databaseName).toMatch(/^bl_t_int_one_[0-9a-f]{8}$/);
    expect(await bodies(t.db.pool)).toEqual(['from the template']);
  });

  test('keeps its writes to itself', async () => {
    await t.db.pool.query("INSERT INTO notes (body) VALUES ('file one')");
    const other = await createTestDatabase({ setupSql: notesSetupSql });
    try {
      expect(other.databaseName).not.toBe(t.db.databaseName);
      expect(await bodies(other.pool)).toEqual(['from the template']);
      expect(await bodies(t.db.pool)).toEqual(['from the template', 'file one']);
    } finally {
      await other.close();
    }
  });

  test('connectAs() logs in as another role, even one whose name needs quoting', async () => {
    // A name with a capital, a space and a zero-width space: it must reach the server unchanged.
    const login = `Bl Kit ${randomUUID().slice(0, 8)}\u200b`;
    await t.db.pool.query(`CREATE ROLE ${pg.escapeIdentifier(login)} LOGIN PASSWORD 'kit-test'`);
    try {
      const client = await t.db.connectAs(login, 'kit-test');
      const { rows } = await client.query<{ who: string; db: string }>(
        'SELECT session_user AS who, current_database() AS db',
      );
      expect(rows[0]).toEqual({ who: login, db: t.db.databaseName });
      await client.end();
    } finally {
      await t.db.pool.query(`DROP ROLE ${pg.escapeIdentifier(login)}`);
    }
  });

  test('connect() gives an independent session on the same database', async () => {
    const client = await t.db.connect();
    const { rows } = await client.query<{ db: string; pid: number }>(
      'SELECT current_database() AS db, pg_backend_pid() AS pid',
    );
    const poolPid = (await t.db.pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    expect(rows[0]!.db).toBe(t.db.databaseName);
    expect(rows[0]!.pid).not.toBe(poolPid);
  });
});

describe('createTestDatabase', () => {
  test('close() drops the database, even with a client from connect() still open', async () => {
    const db = await createTestDatabase({ setupSql: notesSetupSql });
    await db.connect();
    expect(await testDatabaseExists(db.databaseName)).toBe(true);
    await db.close();
    expect(await testDatabaseExists(db.databaseName)).toBe(false);
    await db.close(); // a second close is harmless
  });

  test('different setupSql gives a different template with different content', async () => {
    const otherSql = ['CREATE TABLE tags (name text PRIMARY KEY)'];
    expect(templateName(otherSql)).not.toBe(templateName(notesSetupSql));
    const withTags = await createTestDatabase({ setupSql: otherSql });
    const withNotes = await createTestDatabase({ setupSql: notesSetupSql });
    try {
      const tables = async (pool: pg.Pool) =>
        (
          await pool.query<{ t: string }>("SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public'")
        ).rows.map((row) => row.t);
      expect(await tables(withTags.pool)).toEqual(['tags']);
      expect(await tables(withNotes.pool)).toEqual(['notes']);
      const templates = await onMaintenance(async (client) => {
        const { rows } = await client.query<{ datname: string }>(
          'SELECT datname FROM pg_database WHERE datname = ANY($1)',
          [[templateName(otherSql), templateName(notesSetupSql)]],
        );
        return rows.map((row) => row.datname).sort();
      });
      expect(templates).toEqual([templateName(otherSql), templateName(notesSetupSql)].sort());
    } finally {
      await Promise.all([withTags.close(), withNotes.close()]);
    }
  });

  test('concurrent callers with new setupSql get one published template and no leftovers', async () => {
    // A SQL text never seen before, so the template really gets built during this test.
    const setupSql = [
      `CREATE TABLE origin AS SELECT current_database() AS built_in, '${randomUUID()}' AS run`,
    ];
    const template = templateName(setupSql);
    const dbs = await Promise.all([1, 2, 3, 4].map(() => createTestDatabase({ setupSql })));
    try {
      const builtIn = await Promise.all(
        dbs.map(
          async (db) =>
            (await db.pool.query<{ built_in: string }>('SELECT built_in FROM origin')).rows[0]!.built_in,
        ),
      );
      // Every clone comes from the same build, made under a temporary name and then renamed.
      expect(new Set(builtIn).size).toBe(1);
      expect(builtIn[0]).toMatch(new RegExp(`^${template}_[0-9a-f]{8}$`));
      const leftovers = await onMaintenance(async (client) => {
        const { rows } = await client.query('SELECT datname FROM pg_database WHERE datname LIKE $1', [
          `${template}_%`,
        ]);
        return rows;
      });
      expect(leftovers).toEqual([]);
    } finally {
      await Promise.all(dbs.map((db) => db.close()));
      // This template is unique to this run: do not leave it on a shared server.
      await onMaintenance((client) =>
        client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(template)}`),
      );
    }
  });

  test('a failing setupSql says which statement failed and leaves no half-built template', async () => {
    const setupSql = ['CREATE TABLE fine (id int)', `SELECT * FROM missing_${randomUUID().slice(0, 8)}`];
    await expect(createTestDatabase({ setupSql })).rejects.toThrow(
      /setupSql\[1\] failed: relation .* does not exist/,
    );
    const left = await onMaintenance(async (client) => {
      const { rows } = await client.query('SELECT datname FROM pg_database WHERE datname LIKE $1', [
        `${templateName(setupSql)}%`,
      ]);
      return rows;
    });
    expect(left).toEqual([]);
  });

  test('a long name is cut so the database name fits in 63 characters', async () => {
    const db = await createTestDatabase({ name: 'x'.repeat(100) });
    try {
      expect(db.databaseName.length).toBeLessThanOrEqual(63);
      expect((await db.pool.query('SELECT current_database() AS d')).rows[0].d).toBe(db.databaseName);
    } finally {
      await db.close();
    }
  });
});
