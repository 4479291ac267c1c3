import { LANE_ROLES, quoteIdentifier, SQLSTATE, sqlStateOf } from '@birth-lane/contract';
import { useTestDatabase } from '@birth-lane/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPersistedGateLayers, SESSION_CAVEAT } from '../src/persisted-gate-layers.js';
import { refusal, SETUP_SQL, testLogins } from './support.js';

const t = useTestDatabase({ setupSql: SETUP_SQL });
const people = testLogins(() => t.db, { minter: [LANE_ROLES.birth], reader: [LANE_ROLES.reader] });
const database = () => quoteIdentifier(t.db.databaseName);

beforeAll(async () => {
  await people.create();
});
afterAll(async () => {
  await people.drop();
});

describe('readPersistedGateLayers', () => {
  it('nothing persisted: unset, no risk, and the session caveat', async () => {
    const reading = await readPersistedGateLayers(t.db.pool);
    expect(reading).toEqual({
      forRole: null,
      mode: { value: null, layer: 'unset' },
      bypass: { value: false, layer: 'unset' },
      settings: [],
      risks: [],
      caveat: SESSION_CAVEAT,
    });
  });

  it('matches ALTER DATABASE … SET, ALTER ROLE … SET and ALTER ROLE … IN DATABASE … SET, strongest layer first', async () => {
    const minter = people.logins.minter;
    await t.db.pool.query(`alter database ${database()} set app.birth_gate_mode = 'block'`);
    await t.db.pool.query(`alter role ${quoteIdentifier(minter)} set app.birth_gate_mode = 'warning'`);
    await t.db.pool.query(
      `alter role ${quoteIdentifier(minter)} in database ${database()} set app.bypass_birth_gate = 'on'`,
    );

    // Read by a lane reader's own login: pg_db_role_setting is readable without privileges.
    const reader = await people.session('reader');
    const anyLogin = await readPersistedGateLayers(reader);
    expect(anyLogin.mode).toEqual({ value: 'block', layer: 'database' });
    expect(anyLogin.bypass).toEqual({ value: false, layer: 'unset' });
    expect(anyLogin.settings).toEqual([
      { layer: 'database', role: null, setting: 'app.birth_gate_mode', value: 'block' },
      { layer: 'database_role', role: minter, setting: 'app.bypass_birth_gate', value: 'on' },
      { layer: 'role', role: minter, setting: 'app.birth_gate_mode', value: 'warning' },
    ]);
    expect(anyLogin.risks).toEqual([
      `app.bypass_birth_gate is persisted on (layer database_role for role ${minter}): births there skip the gate`,
      `app.birth_gate_mode = warning is persisted layer role for role ${minter}: its logins do not follow the database's mode`,
    ]);

    const forMinter = await readPersistedGateLayers(reader, { forRole: minter });
    expect(forMinter.mode).toEqual({ value: 'warning', layer: 'role' });
    expect(forMinter.bypass).toEqual({ value: true, layer: 'database_role' });

    // What a new session of that login really starts with agrees with the reading.
    const session = await people.fresh('minter');
    try {
      const { rows } = await session.query(
        "select current_setting('app.birth_gate_mode') as mode, current_setting('app.bypass_birth_gate') as bypass",
      );
      expect(rows[0]).toEqual({ mode: 'warning', bypass: 'on' });
    } finally {
      await session.end();
    }
    await t.db.pool.query(`alter role ${quoteIdentifier(minter)} reset all`);
    await t.db.pool.query(`alter role ${quoteIdentifier(minter)} in database ${database()} reset all`);
  });

  it('never reports a session override as known: the reading is the persisted one, with the caveat', async () => {
    const client = await t.db.connect();
    try {
      await client.query("set app.birth_gate_mode = 'warning'");
      await client.query("set app.bypass_birth_gate = 'on'");
      const reading = await readPersistedGateLayers(client);
      expect(reading.mode).toEqual({ value: 'block', layer: 'database' });
      expect(reading.bypass).toEqual({ value: false, layer: 'unset' });
      expect(reading.caveat).toBe(SESSION_CAVEAT);
      expect(reading.caveat).toMatch(/cannot see a session override and does not claim there is none/);
      // No field of the reading names a session layer or an "effective" value.
      expect(JSON.stringify(reading)).not.toMatch(/"layer":"session"|effective/);
    } finally {
      await client.end();
    }
  });

  it('a persisted value the gate does not understand is listed with its problem and reported as a risk', async () => {
    await t.db.pool.query(`alter database ${database()} set app.birth_gate_mode = 'blok'`);
    const reading = await readPersistedGateLayers(t.db.pool);
    expect(reading.mode).toEqual({ value: null, layer: 'database' });
    expect(reading.settings[0]).toMatchObject({
      value: 'blok',
      problem: expect.stringContaining('must be one of warning, block'),
    });
    expect(reading.risks[0]).toMatch(/'blok' .* the gate refuses births/);
    await t.db.pool.query(`alter database ${database()} reset app.birth_gate_mode`);
  });

  it("'' and a non-boolean bypass are reported as the gate reads them: unset (warning), no bypass", async () => {
    await t.db.pool.query(`alter database ${database()} set app.birth_gate_mode = ''`);
    await t.db.pool.query(`alter database ${database()} set app.bypass_birth_gate = 't'`);
    try {
      const reading = await readPersistedGateLayers(t.db.pool);
      expect(reading.mode).toEqual({ value: null, layer: 'database' });
      expect(reading.bypass).toEqual({ value: false, layer: 'database' });
      expect(reading.risks.join('\n')).toMatch(
        /app\.birth_gate_mode = '' .* read as unset, its logins run in warning/,
      );
      expect(reading.risks.join('\n')).toMatch(
        /app\.bypass_birth_gate = 't' .* the gate ignores it: no bypass/,
      );
      expect(reading.risks.join('\n')).not.toMatch(/refuses births/);
    } finally {
      await t.db.pool.query(`alter database ${database()} reset app.birth_gate_mode`);
      await t.db.pool.query(`alter database ${database()} reset app.bypass_birth_gate`);
    }
  });

  it('a lane login cannot persist a bypass or a mode for itself or its database (PostgreSQL 15+: placeholder settings)', async () => {
    const minter = await people.session('minter');
    for (const statement of [
      'alter role current_user set app.bypass_birth_gate = on',
      `alter role current_user in database ${database()} set app.birth_gate_mode = 'warning'`,
      `alter database ${database()} set app.bypass_birth_gate = on`,
    ])
      expect(sqlStateOf(await refusal(minter.query(statement)))).toBe(SQLSTATE.insufficientPrivilege);
    expect((await readPersistedGateLayers(t.db.pool, { forRole: people.logins.minter })).bypass.value).toBe(
      false,
    );
  });
});
