import { useTestDatabase } from '@birth-lane/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractSteps } from '../src/contract-steps.js';
import { SQLSTATE, sqlStateOf } from '../src/index.js';
import { createLaneLogin, dropLaneLogins, type LaneLogin } from './lane-login.js';

// Review finding M4: a producer login could insert or update any heartbeat with any beat_at.
// Every attempt is made by a LOGIN role holding birth_lane_producer on its own connection.
const t = useTestDatabase({
  setupSql: contractSteps.map((step) => step.mutation),
  name: 'heartbeat-attacks',
});
const logins: LaneLogin[] = [];
let producer: LaneLogin;
let other: LaneLogin;

async function refusal(work: () => Promise<unknown>): Promise<{ state?: string; constraint?: string }> {
  try {
    await work();
  } catch (error) {
    return { state: sqlStateOf(error), constraint: (error as { constraint?: string }).constraint };
  }
  throw new Error('expected the attempt to be refused');
}

async function beatRow(instance: string) {
  const { rows } = await t.db.pool.query<{ login: string; state: string; beat_at: Date; fresh: boolean }>(
    `select login, state, beat_at, beat_at > clock_timestamp() - interval '1 minute' and beat_at <= clock_timestamp() as fresh
       from birth_lane.producer_heartbeats where instance_id = $1::text`,
    [instance],
  );
  return rows[0];
}

beforeAll(async () => {
  producer = await createLaneLogin(t.db.pool, t.db.connectionString, 'birth_lane_producer');
  other = await createLaneLogin(t.db.pool, t.db.connectionString, 'birth_lane_producer');
  logins.push(producer, other);
});
afterAll(() => dropLaneLogins(t.db.pool, logins));

describe('producer heartbeats', () => {
  it('refuses a direct insert or update of a heartbeat', async () => {
    const insert = await refusal(() =>
      producer.client.query(
        `insert into birth_lane.producer_heartbeats (instance_id, channel, host, pid, state, beat_at)
         values ('ghost', 'schedule', 'nowhere', 1, 'running', now() + interval '1 day')`,
      ),
    );
    expect(insert.state).toBe(SQLSTATE.insufficientPrivilege);
    await other.client.query("select birth_lane.beat('hb-other', 'schedule', 'h', 1, 'idle', null, null)");
    const update = await refusal(() =>
      producer.client.query(
        "update birth_lane.producer_heartbeats set state = 'running', beat_at = now() + interval '1 day'",
      ),
    );
    expect(update.state).toBe(SQLSTATE.insufficientPrivilege);
    expect(await beatRow('ghost')).toBeUndefined();
    expect(await beatRow('hb-other')).toMatchObject({ state: 'idle', login: other.login, fresh: true });
  });

  it("refuses a beat for another login's instance, and bad channels or states", async () => {
    await other.client.query("select birth_lane.beat('hb-owned', 'listen', 'h', 1, 'idle', null, null)");
    const foreign = await refusal(() =>
      producer.client.query("select birth_lane.beat('hb-owned', 'listen', 'h', 2, 'running', null, null)"),
    );
    expect(foreign).toMatchObject({
      state: SQLSTATE.laneViolation,
      constraint: 'heartbeat_of_another_login',
    });
    expect(await beatRow('hb-owned')).toMatchObject({ state: 'idle', login: other.login });
    const channel = await refusal(() =>
      producer.client.query("select birth_lane.beat('hb-x', 'backlog', 'h', 1, 'idle', null, null)"),
    );
    expect(channel).toMatchObject({ state: SQLSTATE.laneViolation, constraint: 'heartbeat_channel' });
    const state = await refusal(() =>
      producer.client.query("select birth_lane.beat('hb-x', 'queue', 'h', 1, 'healthy', null, null)"),
    );
    expect(state).toMatchObject({ state: SQLSTATE.laneViolation, constraint: 'heartbeat_state' });
  });

  it('sets beat_at from the server clock and the login from session_user', async () => {
    // A transaction started long ago cannot backdate the beat; no argument sets a time or a login.
    await producer.client.query('begin');
    await producer.client.query('select pg_sleep(1.1)');
    await producer.client.query("select birth_lane.beat('hb-mine', 'queue', 'h', 1, 'running', null, null)");
    const { rows } = await producer.client.query<{ started: Date }>('select now() as started');
    await producer.client.query('commit');
    const row = await beatRow('hb-mine');
    expect(row).toMatchObject({ login: producer.login, state: 'running', fresh: true });
    expect(row!.beat_at.getTime() - rows[0]!.started.getTime()).toBeGreaterThan(1000);
    const { rows: args } = await t.db.pool.query<{ args: string }>(
      "select pg_get_function_identity_arguments('birth_lane.beat(text,text,text,integer,text,uuid,jsonb)'::regprocedure) as args",
    );
    expect(args[0]!.args).not.toMatch(/beat_at|login/);
  });
});
