import { contractSteps, LANE_ROLES, SQLSTATE, sqlStateOf } from '@birth-lane/contract';
import { useTestDatabase } from '@birth-lane/test-kit';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectContractSteps, judgeStampTransition } from '../src/index.js';
import { birth, entityCode, expectRefused, insertBypassingGuard, storedRow } from './helpers.js';

// The certify consumer is deliberately absent: the stud must hold on its own.
const t = useTestDatabase({
  setupSql: [...contractSteps, ...inspectContractSteps].map((step) => step.mutation),
});

const t0 = new Date('2025-03-01T10:00:00.000Z');
const t1 = new Date('2025-03-01T10:00:01.000Z');
const t2 = new Date('2025-03-01T10:00:02.000Z');

async function rowsWithCode(code: string): Promise<number> {
  const { rows } = await t.db.pool.query<{ n: number }>(
    'select count(*)::int as n from public.birth_registry where entity_code = $1::text',
    [code],
  );
  return rows[0]!.n;
}

/** Runs `work` on a dedicated session under a lane role, then goes back to the test user. */
async function asRole<T>(role: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await t.db.connect();
  try {
    await client.query(`set role ${role}`);
    return await work(client);
  } finally {
    await client.query('reset role');
    await client.end();
  }
}

async function setStamps(id: string, assignments: string, values: unknown[] = []): Promise<unknown> {
  return t.db.pool.query(`update public.birth_registry set ${assignments} where id = $1::bigint`, [
    id,
    ...values,
  ]);
}

describe('the guard triggers in the catalog', () => {
  it('are BEFORE row triggers (one for INSERT, one for UPDATE), enabled, calling birth_lane.fn_birth_inspect_stud()', async () => {
    const { rows } = await t.db.pool.query<{ tgname: string; tgtype: number; tgenabled: string; fn: string }>(
      `select tgname::text, tgtype::int, tgenabled::text, tgfoid::regprocedure::text as fn from pg_trigger
        where tgrelid = 'public.birth_registry'::regclass and tgname like 'trg_birth_inspect_stud%'
        order by tgname`,
    );
    // tgtype bits: ROW 1, BEFORE 2, INSERT 4, DELETE 8, UPDATE 16.
    expect(rows).toEqual([
      {
        tgname: 'trg_birth_inspect_stud',
        tgtype: 1 | 2 | 16,
        tgenabled: 'O',
        fn: 'birth_lane.fn_birth_inspect_stud()',
      },
      {
        tgname: 'trg_birth_inspect_stud_insert',
        tgtype: 1 | 2 | 4,
        tgenabled: 'O',
        fn: 'birth_lane.fn_birth_inspect_stud()',
      },
    ]);
  });
});

describe('INSERT', () => {
  it('is tested as a superuser, the role that bypasses every privilege but not the trigger', async () => {
    const { rows } = await t.db.pool.query<{ rolsuper: boolean }>(
      'select rolsuper from pg_roles where rolname = current_user',
    );
    expect(rows[0]?.rolsuper).toBe(true);
  });

  it.each(['inspect_pen', 'inspect_stamp', 'inspect_gate'] as const)(
    'refuses an INSERT setting %s, as the superuser test user, and writes nothing',
    async (column) => {
      const code = entityCode('insert');
      await expectRefused(
        t.db.pool.query(
          `insert into public.birth_registry (entity_code, ${column}) values ($1::text, now())`,
          [code],
        ),
        'stamp_on_insert',
        column,
      );
      expect(await rowsWithCode(code)).toBe(0);
    },
  );

  it('refuses the fused shortcut (certified and all three stamps at once) and writes nothing', async () => {
    const code = entityCode('fused');
    const error = await expectRefused(
      t.db.pool.query(
        `insert into public.birth_registry (entity_code, collection_name, certified, certified_at, inspect_pen, inspect_stamp, inspect_gate)
         values ($1::text, 'animals', true, now(), now(), now(), now())`,
        [code],
      ),
      'stamp_on_insert',
      'inspect_pen',
    );
    expect(error.message).toMatch(/inspect_pen/);
    expect(error.message).toMatch(/stamp_on_insert/);
    expect(error.detail).toContain(code);
    expect(error.hint).toBeTruthy();
    expect({ schema: error.schema, table: error.table }).toEqual({
      schema: 'public',
      table: 'birth_registry',
    });
    expect(await rowsWithCode(code)).toBe(0);
  });

  it('refuses a many-row fused INSERT … SELECT as one statement, writing none of its rows', async () => {
    const prefix = entityCode('bulk');
    await expectRefused(
      t.db.pool.query(
        `insert into public.birth_registry (entity_code, certified, certified_at, inspect_pen, inspect_stamp, inspect_gate)
         select $1::text || '-' || n, true, now(), now(), now(), now() from generate_series(1, 50) n`,
        [prefix],
      ),
      'stamp_on_insert',
      'inspect_pen',
    );
    const { rows } = await t.db.pool.query<{ n: number }>(
      `select count(*)::int as n from public.birth_registry where entity_code like $1::text || '-%'`,
      [prefix],
    );
    expect(rows[0]!.n).toBe(0);
  });

  describe('for a non-superuser role holding full INSERT privileges', () => {
    // Roles are cluster-wide: a random name keeps parallel runs apart, and it is dropped after.
    const writer = `bl_ic_writer_${Math.random().toString(36).slice(2, 10)}`;
    beforeAll(async () => {
      await t.db.pool.query(`create role ${writer} nologin`);
      await t.db.pool.query(`grant insert, select, update on public.birth_registry to ${writer}`);
      await t.db.pool.query(`grant usage on sequence public.birth_registry_id_seq to ${writer}`);
    });
    afterAll(async () => {
      await t.db.pool.query(`drop owned by ${writer}`);
      await t.db.pool.query(`drop role ${writer}`);
    });

    it('refuses the stamped INSERT just the same, and writes nothing', async () => {
      const code = entityCode('writer');
      await asRole(writer, (client) =>
        expectRefused(
          client.query(
            'insert into public.birth_registry (entity_code, inspect_stamp) values ($1::text, now())',
            [code],
          ),
          'stamp_on_insert',
          'inspect_stamp',
        ),
      );
      expect(await rowsWithCode(code)).toBe(0);
    });
  });

  it('refuses the birth role any INSERT, stamped or not: it mints only through birth_lane.mint_birth', async () => {
    const plain = entityCode('birth');
    const stamped = entityCode('birth-stamped');
    await asRole(LANE_ROLES.birth, async (client) => {
      for (const [sql, code] of [
        [
          'insert into public.birth_registry (entity_code, collection_name) values ($1::text, now()::text)',
          plain,
        ],
        ['insert into public.birth_registry (entity_code, inspect_pen) values ($1::text, now())', stamped],
      ] as const) {
        const refused = await client.query(sql, [code]).then(
          () => undefined,
          (error: unknown) => error,
        );
        expect(sqlStateOf(refused)).toBe(SQLSTATE.insufficientPrivilege);
      }
    });
    expect(await rowsWithCode(plain)).toBe(0);
    expect(await rowsWithCode(stamped)).toBe(0);
  });
});

describe('UPDATE', () => {
  // As the owner: stamps are written by birth_lane.inspect_batch, which runs with the owner's rights
  // (the producer role itself has no UPDATE on the stamps).
  it('accepts PEN, STAMP and GATE in three separate updates', async () => {
    const id = await birth(t.db.pool, 'ordered');
    for (const column of ['inspect_pen', 'inspect_stamp', 'inspect_gate']) {
      await t.db.pool.query(
        `update public.birth_registry set ${column} = clock_timestamp() where id = $1::bigint`,
        [id],
      );
    }
    const { rows } = await t.db.pool.query<{ state: string }>(
      `select birth_lane.inspect_state(inspect_pen, inspect_stamp, inspect_gate) as state
         from public.birth_registry where id = $1::bigint`,
      [id],
    );
    expect(rows[0]?.state).toBe('complete');
  });

  it('accepts all three stamps in one UPDATE, in order (one now() for all)', async () => {
    const id = await birth(t.db.pool, 'one-update');
    await setStamps(id, 'inspect_pen = now(), inspect_stamp = now(), inspect_gate = now()');
    const row = await storedRow(t.db.pool, id);
    expect(row.inspect_gate).not.toBeNull();
    expect(row.inspect_pen!.getTime()).toBe(row.inspect_gate!.getTime());
  });

  it('refuses STAMP while PEN is NULL, and leaves the row as it was', async () => {
    const id = await birth(t.db.pool, 'stamp-first');
    const error = await expectRefused(
      setStamps(id, 'inspect_stamp = now()'),
      'stamp_without_pen',
      'inspect_stamp',
    );
    expect(error.message).toMatch(/inspect_stamp/);
    expect(error.message).toMatch(/stamp_without_pen/);
    expect(await storedRow(t.db.pool, id)).toMatchObject({
      inspect_pen: null,
      inspect_stamp: null,
      inspect_gate: null,
    });
  });

  it('refuses GATE while STAMP is NULL', async () => {
    const id = await birth(t.db.pool, 'gate-early');
    await setStamps(id, 'inspect_pen = now()');
    await expectRefused(setStamps(id, 'inspect_gate = now()'), 'gate_without_stamp', 'inspect_gate');
    expect((await storedRow(t.db.pool, id)).inspect_gate).toBeNull();
  });

  it('refuses GATE on a row with no stamp at all', async () => {
    const id = await birth(t.db.pool, 'gate-alone');
    await expectRefused(setStamps(id, 'inspect_gate = now()'), 'gate_without_pen', 'inspect_gate');
  });

  it('refuses a STAMP earlier than PEN', async () => {
    const id = await birth(t.db.pool, 'stamp-before');
    await setStamps(id, 'inspect_pen = $2::timestamptz', [t1]);
    await expectRefused(
      setStamps(id, 'inspect_stamp = $2::timestamptz', [t0]),
      'stamp_before_pen',
      'inspect_stamp',
    );
  });

  it('refuses a GATE earlier than STAMP, even when set in the same UPDATE', async () => {
    const id = await birth(t.db.pool, 'gate-before');
    await expectRefused(
      setStamps(
        id,
        'inspect_pen = $2::timestamptz, inspect_stamp = $3::timestamptz, inspect_gate = $4::timestamptz',
        [t0, t2, t1],
      ),
      'gate_before_stamp',
      'inspect_gate',
    );
    expect(await storedRow(t.db.pool, id)).toMatchObject({
      inspect_pen: null,
      inspect_stamp: null,
      inspect_gate: null,
    });
  });

  it('refuses changing an already-set PEN, even to a later time', async () => {
    const id = await birth(t.db.pool, 'change-pen');
    await setStamps(id, 'inspect_pen = $2::timestamptz', [t0]);
    await expectRefused(setStamps(id, 'inspect_pen = $2::timestamptz', [t1]), 'stamp_changed', 'inspect_pen');
    expect((await storedRow(t.db.pool, id)).inspect_pen).toEqual(t0);
  });

  it.each(['inspect_pen', 'inspect_stamp', 'inspect_gate'] as const)(
    'refuses clearing %s on a complete row',
    async (column) => {
      const id = await birth(t.db.pool, 'clear');
      await setStamps(id, 'inspect_pen = now(), inspect_stamp = now(), inspect_gate = now()');
      await expectRefused(setStamps(id, `${column} = null`), 'stamp_cleared', column);
      expect((await storedRow(t.db.pool, id))[column]).not.toBeNull();
    },
  );

  it('refuses an infinite stamp', async () => {
    const id = await birth(t.db.pool, 'infinity');
    await expectRefused(setStamps(id, "inspect_pen = 'infinity'"), 'stamp_not_finite', 'inspect_pen');
  });

  // The UPDATE trigger's WHEN clause skips the function on a first pass from an unstamped row; it
  // must skip nothing the function would refuse. Every shape of that write, judged both ways.
  it('agrees with judgeStampTransition on every first-pass write from an unstamped row (the skipped path)', async () => {
    const values = [null, 't0', 't1', 'infinity', '-infinity'] as const;
    const at = (value: (typeof values)[number]): string | null =>
      value === null ? null : value === 't0' ? t0.toISOString() : value === 't1' ? t1.toISOString() : value;
    const asDate = (value: string | null): Date | null =>
      value === null || value.endsWith('infinity') ? null : new Date(value);
    let compared = 0;
    for (const pen of values)
      for (const stamp of values)
        for (const gate of values) {
          if (pen === null && stamp === null && gate === null) continue;
          const id = await birth(t.db.pool, 'first-pass');
          const outcome = await setStamps(
            id,
            'inspect_pen = $2::timestamptz, inspect_stamp = $3::timestamptz, inspect_gate = $4::timestamptz',
            [at(pen), at(stamp), at(gate)],
          ).then(
            () => 'allowed',
            (error: pg.DatabaseError) => String(error.constraint).replace(/^inspect_stud\./, ''),
          );
          // A Date cannot hold infinity, so that verdict is the guard's own: an infinite new stamp is
          // refused before any order rule is looked at.
          const infinite = [pen, stamp, gate].some((value) => value === 'infinity' || value === '-infinity');
          const none = { inspect_pen: null, inspect_stamp: null, inspect_gate: null };
          const verdict = judgeStampTransition(none, {
            inspect_pen: asDate(at(pen)),
            inspect_stamp: asDate(at(stamp)),
            inspect_gate: asDate(at(gate)),
          });
          const expected = infinite ? 'stamp_not_finite' : verdict.allowed ? 'allowed' : verdict.rule;
          expect(outcome, `${pen}, ${stamp}, ${gate}`).toBe(expected);
          compared += 1;
        }
    expect(compared).toBe(124);
    // 248 statements one after another: on a loaded 2-core machine they took over 30 s.
  }, 120_000);

  it('lets unrelated updates and same-value assignments through on a stamped row', async () => {
    const id = await birth(t.db.pool, 'unrelated');
    await setStamps(id, 'inspect_pen = now(), inspect_stamp = now(), inspect_gate = now()');
    await setStamps(id, "name = 'renamed', certified = true, certified_at = now()");
    await setStamps(
      id,
      'inspect_pen = inspect_pen, inspect_stamp = inspect_stamp, inspect_gate = inspect_gate',
    );
    expect(await storedRow(t.db.pool, id)).toMatchObject({ name: 'renamed', certified: true });
  });

  it('refuses a whole many-row UPDATE when one row breaks the stud, changing none of them', async () => {
    const ready = await birth(t.db.pool, 'batch-ok');
    const fresh = await birth(t.db.pool, 'batch-bad');
    await setStamps(ready, 'inspect_pen = now()');
    await expectRefused(
      t.db.pool.query('update public.birth_registry set inspect_stamp = now() where id = any($1::bigint[])', [
        [ready, fresh],
      ]),
      'stamp_without_pen',
      'inspect_stamp',
    );
    expect((await storedRow(t.db.pool, ready)).inspect_stamp).toBeNull();
  });
});

describe('a row already ambiguous in the field', () => {
  // GATE with neither PEN nor STAMP: the kind of row the fused shortcut's cousins left behind.
  let id: string;
  beforeAll(async () => {
    id = await insertBypassingGuard(t.db.pool, { inspect_pen: null, inspect_stamp: null, inspect_gate: t1 });
  });

  it('stays readable and classifies as ambiguous', async () => {
    const { rows } = await t.db.pool.query<{ state: string; reason: string }>(
      `select birth_lane.inspect_state(inspect_pen, inspect_stamp, inspect_gate) as state,
              birth_lane.inspect_reason(inspect_pen, inspect_stamp, inspect_gate) as reason
         from public.birth_registry where id = $1::bigint`,
      [id],
    );
    expect(rows[0]).toEqual({ state: 'ambiguous', reason: 'gate_without_pen' });
  });

  it('takes an unrelated update (its name) without error', async () => {
    await setStamps(id, "name = 'corrected name'");
    expect((await storedRow(t.db.pool, id)).name).toBe('corrected name');
  });

  it('refuses a new stamp that keeps it ambiguous', async () => {
    await expectRefused(setStamps(id, 'inspect_pen = $2::timestamptz', [t2]), 'ambiguous_row', 'inspect_pen');
    expect((await storedRow(t.db.pool, id)).inspect_pen).toBeNull();
  });

  it('refuses even stamps that would make it look complete: ambiguous rows are never continued', async () => {
    await expectRefused(
      setStamps(id, 'inspect_pen = $2::timestamptz, inspect_stamp = $2::timestamptz', [t0]),
      'ambiguous_row',
      'inspect_pen',
    );
  });

  it('refuses clearing its stray stamp: a repair is a governance decision, not an inspector write', async () => {
    await expectRefused(setStamps(id, 'inspect_gate = null'), 'stamp_cleared', 'inspect_gate');
  });
});
