import { randomBytes } from 'node:crypto';
import { EXIT_CODES, silentLogger } from '@birth-lane/contract';
import { CliError } from '@birth-lane/contract/cli';
import { countingRunner } from '@birth-lane/contract/testing';
import { useTestDatabase } from '@birth-lane/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueueChannel } from '../src/queue-channel.js';
import { CHANNEL_TEST_SETUP } from './support.js';

// A database without pgboss yet, and a producer login that may not create schemas in it: what a
// lane owner who installed the lane but never granted anything for pg-boss hands a worker.
const t = useTestDatabase({ setupSql: CHANNEL_TEST_SETUP, name: 'pgboss-grants' });
const login = `bl_pgboss_${randomBytes(4).toString('hex')}`;
const password = randomBytes(12).toString('hex');
let loginUrl: string;
beforeAll(async () => {
  await t.db.pool.query(`create role ${login} login password '${password}' in role birth_lane_producer`);
  const url = new URL(t.db.connectionString);
  url.username = login;
  url.password = password;
  loginUrl = url.toString();
});
afterAll(async () => {
  await t.db.pool.query(`drop owned by ${login}`);
  await t.db.pool.query(`drop role ${login}`);
});

const worker = (sessionOptions?: string) =>
  createQueueChannel(
    { heartbeatIntervalMs: 200 },
    { db: t.db.pool, logger: silentLogger, connectionString: loginUrl, sessionOptions },
  );

describe("pg-boss's sessions", () => {
  it('refuses to start with the exact GRANT to paste, and starts once it is granted', async () => {
    const refused = await worker()
      .start(countingRunner())
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(CliError.isInstance(refused)).toBe(true);
    const error = refused as CliError;
    expect(error.exitCode).toBe(EXIT_CODES.noPermission);
    expect(error.message).toMatch(/^pg-boss may not create or use its schema "pgboss" \(SQLSTATE 42501\)/);
    expect(error.message).not.toContain(password);
    const grant = error.message.split('\n').find((line) => line.trim().startsWith('grant create'));
    expect(grant?.trim()).toBe(
      `grant create on database ${t.db.databaseName} to ${login};   -- pg-boss creates "pgboss" itself`,
    );

    // The advice works: as the owner, run the line it gave.
    await t.db.pool.query(grant!);
    const granted = worker();
    await granted.start(countingRunner());
    await granted.stop();
  });

  it('start with the session options the app gives (its hardened search_path)', async () => {
    // An option PostgreSQL refuses at connection start shows that pg-boss's sessions got it.
    const refused = await worker('-c search_path=pg_catalog,pg_temp -c lock_timeout=never')
      .start(countingRunner())
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(refused).toMatchObject({
      code: 'DATABASE_ERROR',
      message: expect.stringMatching(/^Could not start pg-boss.*lock_timeout/),
    });
  });
});
