import { birthTriggerSql } from '@birth-lane/birth';
import { LANE_ROLES, quoteIdentifier, quoteLiteral, SQLSTATE, sqlStateOf } from '@birth-lane/contract';
import { useTestDatabase } from '@birth-lane/test-kit';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activateDefaultRuleSet, refusal, SETUP_SQL, testLogins } from './support.js';

const t = useTestDatabase({ setupSql: SETUP_SQL });
const people = testLogins(() => t.db, {
  minter: [LANE_ROLES.birth],
  reader: [LANE_ROLES.reader],
  // A live writer of the field: INSERT on the registry (granted below), no lane role.
  legacy: [],
});

let code = 0;
const nextCode = (prefix = 'GATE') => `${prefix}-${String(++code).padStart(4, '0')}`;
// A year ahead: identity is valid (mint_birth accepts it) but PEN's not_future check fails.
const FUTURE = "now() + interval '365 days'";

async function mint(client: pg.Client, entityCode: string, bornAt = 'now()'): Promise<string> {
  const { rows } = await client.query<{ id: string }>(
    `select birth_lane.mint_birth($1::text, 'fauna', 'dot://test', 'governed', null, ${bornAt})::text as id`,
    [entityCode],
  );
  return rows[0]!.id;
}

async function born(entityCode: string): Promise<boolean> {
  const { rows } = await t.db.pool.query('select 1 from public.birth_registry where entity_code = $1::text', [
    entityCode,
  ]);
  return rows.length === 1;
}

async function warningsFor(
  entityCode: string,
): Promise<Array<{ payload: Record<string, unknown>; recorded_by: string }>> {
  const { rows } = await t.db.pool.query(
    `select payload, recorded_by from birth_lane.evidence
      where kind = 'note' and check_id = 'gate.birth_warning' and entity_code = $1::text order by id`,
    [entityCode],
  );
  return rows;
}

/**
 * Persists the gate mode (and bypass) for the login of `client` in this database (ALTER ROLE … IN
 * DATABASE … SET, the strongest layer): the gate reads the persisted layers at every defective
 * birth, so it applies at once, also to sessions already open. null resets the setting.
 */
async function persistedMode(
  client: Pick<pg.Client, 'query'>,
  mode: string | null,
  bypass: string | null = null,
): Promise<void> {
  const { rows } = await client.query<{ login: string }>('select session_user::text as login');
  const where = `alter role ${quoteIdentifier(rows[0]!.login)} in database ${quoteIdentifier(t.db.databaseName)}`;
  for (const [name, value] of [
    ['app.birth_gate_mode', mode],
    ['app.bypass_birth_gate', bypass],
  ] as const)
    await t.db.pool.query(
      value === null ? `${where} reset ${name}` : `${where} set ${name} = ${quoteLiteral(value)}`,
    );
}

beforeAll(async () => {
  await people.create();
});
afterAll(async () => {
  await people.drop();
});

describe('before any rule set is active', () => {
  it('warning mints with a warning notice; block refuses, saying PEN cannot be judged', async () => {
    const minter = await people.session('minter');
    await persistedMode(minter, 'warning');
    const warned = nextCode();
    await mint(minter, warned);
    expect(await born(warned)).toBe(true);

    await persistedMode(minter, 'block');
    const refused = nextCode();
    const error = await refusal(mint(minter, refused));
    expect(sqlStateOf(error)).toBe(SQLSTATE.laneViolation);
    expect(error).toMatchObject({ constraint: 'birth_gate_no_rule_set' });
    expect(error.message).toMatch(/no PEN judgement is compiled/);
    expect(await born(refused)).toBe(false);
  });
});

describe('with the default rule set active', () => {
  beforeAll(async () => {
    await activateDefaultRuleSet(t.db);
  });

  it('warning (also when unset): a defective birth is minted and a warning names its failed checks', async () => {
    const minter = await people.session('minter');
    for (const mode of ['warning', null]) {
      await persistedMode(minter, mode);
      const entityCode = nextCode();
      await mint(minter, entityCode, FUTURE);
      expect(await born(entityCode)).toBe(true);
      const warnings = await warningsFor(entityCode);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.payload).toMatchObject({
        kind: 'note',
        topic: 'gate.birth_warning',
        payload: { entityCode, failedChecks: ['pen.born_at.not_future'], mode: 'warning' },
      });
    }
    // The minting login holds no INSERT on the evidence log: the warning went through the typed writer.
    const direct = await refusal(
      minter.query("insert into birth_lane.evidence (kind, payload) values ('note', '{}'::jsonb)"),
    );
    expect(sqlStateOf(direct)).toBe(SQLSTATE.insufficientPrivilege);
  });

  it('warning: a sound birth, an observed one and a re-mint record nothing', async () => {
    const minter = await people.session('minter');
    await persistedMode(minter, 'warning');
    const sound = nextCode();
    await mint(minter, sound);
    const observed = nextCode();
    await minter.query(
      `select birth_lane.mint_birth($1::text, 'fauna', 'dot://test', 'observed', null, ${FUTURE})`,
      [observed],
    );
    const defective = nextCode();
    await mint(minter, defective, FUTURE);
    await mint(minter, defective, FUTURE); // already born: ON CONFLICT inserts nothing, so nothing is judged
    expect(await warningsFor(sound)).toHaveLength(0);
    expect(await warningsFor(observed)).toHaveLength(0);
    expect(await warningsFor(defective)).toHaveLength(1);
  });

  it('block: a defective birth is refused naming the failed check; a sound one is minted', async () => {
    const minter = await people.session('minter');
    await persistedMode(minter, 'block');
    const defective = nextCode();
    const error = await refusal(mint(minter, defective, FUTURE));
    expect(sqlStateOf(error)).toBe(SQLSTATE.laneViolation);
    expect(error).toMatchObject({ constraint: 'birth_gate' });
    expect(error.message).toContain(`${defective} fails PEN: pen.born_at.not_future`);
    expect(await born(defective)).toBe(false);
    expect(await warningsFor(defective)).toHaveLength(0);

    const sound = nextCode();
    await mint(minter, sound);
    expect(await born(sound)).toBe(true);
  });

  it('block: one defective input refuses the whole mint_births chunk', async () => {
    const minter = await people.session('minter');
    await persistedMode(minter, 'block');
    const [a, b] = [nextCode(), nextCode()];
    const inputs = [
      { i: 0, entity_code: a, collection_name: 'fauna', dot_origin: 'dot://x', governance_role: 'governed' },
      {
        i: 1,
        entity_code: b,
        collection_name: 'fauna',
        dot_origin: 'dot://x',
        governance_role: 'governed',
        born_at: '2999-01-01T00:00:00Z',
      },
    ];
    const error = await refusal(
      minter.query('select * from birth_lane.mint_births($1::jsonb)', [JSON.stringify(inputs)]),
    );
    expect(error).toMatchObject({ constraint: 'birth_gate' });
    expect(error.message).toContain(b);
    expect(await born(a)).toBe(false);

    await persistedMode(minter, 'warning');
    await minter.query('select * from birth_lane.mint_births($1::jsonb)', [JSON.stringify(inputs)]);
    expect(await warningsFor(a)).toHaveLength(0);
    expect(await warningsFor(b)).toHaveLength(1);
  });

  it('a source-table trigger of the birth trigger fabric: warning mints and warns, block refuses the source insert', async () => {
    await t.db.pool.query('create table public.gate_source (code text, coll text, created_at timestamptz)');
    await t.db.pool.query(
      birthTriggerSql({
        sourceTable: { schema: 'public', name: 'gate_source' },
        mapping: {
          entity_code: 'code',
          collection_name: 'coll',
          dot_origin: { literal: 'source:gate_source' },
          born_at: 'created_at',
        },
      }).createSql,
    );
    const writer = await t.db.connect();
    try {
      await persistedMode(writer, 'warning');
      const warned = nextCode('SRC');
      await writer.query(`insert into public.gate_source values ($1::text, 'fauna', ${FUTURE})`, [warned]);
      expect(await born(warned)).toBe(true);
      expect((await warningsFor(warned))[0]?.payload).toMatchObject({
        payload: { failedChecks: ['pen.born_at.not_future'] },
      });

      await persistedMode(writer, 'block');
      const refused = nextCode('SRC');
      const error = await refusal(
        writer.query(`insert into public.gate_source values ($1::text, 'fauna', ${FUTURE})`, [refused]),
      );
      expect(error).toMatchObject({ constraint: 'birth_gate' });
      expect(await born(refused)).toBe(false);
      const { rows } = await t.db.pool.query('select 1 from public.gate_source where code = $1::text', [
        refused,
      ]);
      expect(rows).toHaveLength(0);

      const sound = nextCode('SRC');
      await writer.query(`insert into public.gate_source values ($1::text, 'fauna', now())`, [sound]);
      expect(await born(sound)).toBe(true);
    } finally {
      await persistedMode(writer, null);
      await writer.end();
    }
  });

  it('the gate obeys the persisted settings, not a session SET by the minting login', async () => {
    const minter = await people.session('minter');
    await persistedMode(minter, 'block');
    // The minter chooses its own session settings: a bypass, warning, and '' (unset).
    for (const [mode, bypass] of [
      ['block', 'on'],
      ['warning', ''],
      ['', ''],
    ]) {
      await minter.query("select set_config('app.birth_gate_mode', $1::text, false)", [mode]);
      await minter.query("select set_config('app.bypass_birth_gate', $1::text, false)", [bypass]);
      const dodged = nextCode();
      const error = await refusal(mint(minter, dodged, FUTURE));
      expect(error).toMatchObject({ constraint: 'birth_gate' });
      expect(await born(dodged)).toBe(false);
    }
    // And a session SET of block does not refuse a birth the persisted warning mints.
    await persistedMode(minter, 'warning');
    await minter.query("select set_config('app.birth_gate_mode', 'block', false)");
    const minted = nextCode();
    await mint(minter, minted, FUTURE);
    expect(await warningsFor(minted)).toHaveLength(1);
    await minter.query(
      "select set_config('app.birth_gate_mode', '', false), set_config('app.bypass_birth_gate', '', false)",
    );
  });

  it("'' persisted is unset (warning); a bypass that is not a boolean true word is no bypass", async () => {
    const minter = await people.session('minter');
    await persistedMode(minter, '', 't');
    const minted = nextCode();
    await mint(minter, minted, FUTURE);
    expect(await warningsFor(minted)).toHaveLength(1);
    await persistedMode(minter, 'block', 't');
    const refused = await refusal(mint(minter, nextCode(), FUTURE));
    expect(refused).toMatchObject({ constraint: 'birth_gate' });
    await persistedMode(minter, null);
  });

  it('a live writer with INSERT on the registry and no USAGE on birth_lane, through its own source-table trigger', async () => {
    // The field's existing triggers insert into the registry as the source-table writer.
    await t.db.pool.query(`
      create table public.legacy_source (code text, created_at timestamptz);
      create function public.legacy_source_birth() returns trigger language plpgsql as $fn$
      begin
        insert into public.birth_registry (entity_code, collection_name, dot_origin, born_at)
        values (NEW.code, 'fauna', 'legacy', NEW.created_at);
        return NEW;
      end $fn$;
      create trigger legacy_source_birth after insert on public.legacy_source
        for each row execute function public.legacy_source_birth();
      grant insert, select on public.legacy_source, public.birth_registry to ${quoteIdentifier(people.logins.legacy)};
      grant usage on sequence public.birth_registry_id_seq to ${quoteIdentifier(people.logins.legacy)};`);
    const legacy = await people.session('legacy');
    const usage = await legacy.query<{ usage: boolean }>(
      "select has_schema_privilege('birth_lane', 'usage') as usage",
    );
    expect(usage.rows[0]!.usage).toBe(false);
    const write = (code: string, bornAt: string) =>
      legacy.query(`insert into public.legacy_source values ($1::text, ${bornAt})`, [code]);

    await persistedMode(legacy, 'warning');
    const sound = nextCode('LEG');
    await write(sound, 'now()');
    expect(await born(sound)).toBe(true);
    expect(await warningsFor(sound)).toHaveLength(0);

    const defective = nextCode('LEG');
    await write(defective, FUTURE);
    expect(await born(defective)).toBe(true);
    expect((await warningsFor(defective))[0]?.payload).toMatchObject({
      payload: { failedChecks: ['pen.born_at.not_future'], mintedBy: people.logins.legacy },
    });

    await persistedMode(legacy, 'block');
    const refused = nextCode('LEG');
    const error = await refusal(write(refused, FUTURE));
    expect(error).toMatchObject({ code: SQLSTATE.laneViolation, constraint: 'birth_gate' });
    expect(error.message).toContain(`${refused} fails PEN: pen.born_at.not_future`);
    expect(await born(refused)).toBe(false);
    const soundInBlock = nextCode('LEG');
    await write(soundInBlock, 'now()');
    expect(await born(soundInBlock)).toBe(true);
    await persistedMode(legacy, null);
  });

  it('block from the persisted database layer reaches a new session of the minting login', async () => {
    await persistedMode(await people.session('minter'), null);
    await t.db.pool.query(
      `alter database ${quoteIdentifier(t.db.databaseName)} set app.birth_gate_mode = 'block'`,
    );
    const minter = await people.fresh('minter');
    try {
      const error = await refusal(mint(minter, nextCode(), FUTURE));
      expect(error).toMatchObject({ constraint: 'birth_gate' });
    } finally {
      await minter.end();
      await t.db.pool.query(`alter database ${quoteIdentifier(t.db.databaseName)} reset app.birth_gate_mode`);
    }
  });

  it('a bypass skips the gate; a mode the gate does not understand refuses a defective birth (fail closed)', async () => {
    const minter = await people.session('minter');
    await persistedMode(minter, 'block', 'on');
    const bypassed = nextCode();
    await mint(minter, bypassed, FUTURE);
    expect(await born(bypassed)).toBe(true);
    expect(await warningsFor(bypassed)).toHaveLength(0);

    // A mode the gate does not understand: a sound birth passes either valid mode, so it is minted;
    // a defective one is refused (fail closed), naming the setting.
    await persistedMode(minter, 'blok');
    const sound = nextCode();
    await mint(minter, sound);
    expect(await born(sound)).toBe(true);
    const typo = await refusal(mint(minter, nextCode(), FUTURE));
    expect(typo).toMatchObject({ constraint: 'birth_gate_mode' });
    expect(typo.message).toContain("'blok'");
  });

  it('nobody forges a gate warning: the writer refuses a direct call, append_note refuses the topic', async () => {
    const minter = await people.session('minter');
    await persistedMode(minter, 'warning');
    const id = await mint(minter, nextCode(), FUTURE);
    for (const name of ['minter', 'reader'] as const) {
      const client = await people.session(name);
      const direct = await refusal(
        client.query('select birth_lane.record_birth_gate_warnings(array[$1::bigint])', [id]),
      );
      expect(sqlStateOf(direct)).toBe(SQLSTATE.insufficientPrivilege);
    }
    // The owner may execute it, but not outside the gate's trigger.
    const owner = await refusal(
      t.db.pool.query('select birth_lane.record_birth_gate_warnings(array[$1::bigint])', [id]),
    );
    expect(owner).toMatchObject({
      code: SQLSTATE.laneViolation,
      constraint: 'birth_gate_warning_from_trigger',
    });
    const note = await refusal(
      t.db.pool.query("select birth_lane.append_note('gate.birth_warning', '{}'::jsonb)"),
    );
    expect(note).toMatchObject({ constraint: 'evidence_note_topic_reserved' });
  });
});
