import { birthTriggerSql } from '@birth-lane/birth';
import { LANE_ROLES, quoteIdentifier, SQLSTATE, sqlStateOf } from '@birth-lane/contract';
import { useTestDatabase } from '@birth-lane/test-kit';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activateDefaultRuleSet, refusal, SETUP_SQL, testLogins } from './support.js';

const t = useTestDatabase({ setupSql: SETUP_SQL });
const people = testLogins(() => t.db, { minter: [LANE_ROLES.birth], reader: [LANE_ROLES.reader] });

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

/** The session's gate mode, as a session may set it (the persisted layers are tested apart). */
async function sessionMode(
  client: pg.Client,
  mode: string | null,
  bypass: string | null = null,
): Promise<void> {
  await client.query("select set_config('app.birth_gate_mode', coalesce($1::text, ''), false)", [mode]);
  await client.query("select set_config('app.bypass_birth_gate', coalesce($1::text, ''), false)", [bypass]);
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
    await sessionMode(minter, 'warning');
    const warned = nextCode();
    await mint(minter, warned);
    expect(await born(warned)).toBe(true);

    await sessionMode(minter, 'block');
    const refused = nextCode();
    const error = await refusal(mint(minter, refused));
    expect(sqlStateOf(error)).toBe(SQLSTATE.laneViolation);
    expect(error).toMatchObject({ constraint: 'birth_gate_no_rule_set' });
    expect(error.message).toMatch(/no rule set is active/);
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
      await sessionMode(minter, mode);
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
    await sessionMode(minter, 'warning');
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
    await sessionMode(minter, 'block');
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
    await sessionMode(minter, 'block');
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

    await sessionMode(minter, 'warning');
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
      await sessionMode(writer as unknown as pg.Client, 'warning');
      const warned = nextCode('SRC');
      await writer.query(`insert into public.gate_source values ($1::text, 'fauna', ${FUTURE})`, [warned]);
      expect(await born(warned)).toBe(true);
      expect((await warningsFor(warned))[0]?.payload).toMatchObject({
        payload: { failedChecks: ['pen.born_at.not_future'] },
      });

      await sessionMode(writer as unknown as pg.Client, 'block');
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
      await writer.end();
    }
  });

  it('block from the persisted database layer reaches a new session of the minting login', async () => {
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
    await sessionMode(minter, 'block', 'on');
    const bypassed = nextCode();
    await mint(minter, bypassed, FUTURE);
    expect(await born(bypassed)).toBe(true);
    expect(await warningsFor(bypassed)).toHaveLength(0);

    // A mode the gate does not understand: a sound birth passes either valid mode, so it is minted;
    // a defective one is refused (fail closed), naming the setting.
    await sessionMode(minter, 'blok');
    const sound = nextCode();
    await mint(minter, sound);
    expect(await born(sound)).toBe(true);
    const typo = await refusal(mint(minter, nextCode(), FUTURE));
    expect(typo).toMatchObject({ constraint: 'birth_gate_mode' });
    expect(typo.message).toContain("'blok'");
  });

  it('nobody forges a gate warning: the writer refuses a direct call, append_note refuses the topic', async () => {
    const minter = await people.session('minter');
    await sessionMode(minter, 'warning');
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
