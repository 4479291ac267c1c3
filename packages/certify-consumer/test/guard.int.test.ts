import { LANE_ROLES, SQLSTATE } from '@birth-lane/contract';
import { useTestDatabase } from '@birth-lane/test-kit';
import { describe, expect, it } from 'vitest';
import { asRole, mint, nextEntityCode, refusal, SETUP_SQL, stampInOrder, stateOf } from './support.js';

const t = useTestDatabase({ setupSql: SETUP_SQL, name: 'certify-guard' });

const FUSED_INSERT = `insert into public.birth_registry (entity_code, collection_name, dot_origin, certified, inspect_pen, inspect_stamp, inspect_gate)
  values ($1::text, 'plain', 'test', true, now(), now(), now())`;

async function rowExists(entityCode: string): Promise<boolean> {
  const { rowCount } = await t.db.pool.query(
    'select 1 from public.birth_registry where entity_code = $1::text',
    [entityCode],
  );
  return rowCount === 1;
}

describe('the fused shortcut (stamps and certified in one INSERT)', () => {
  it('is refused for the superuser with BL001 naming certified, and nothing is written', async () => {
    const entityCode = nextEntityCode('F');
    const error = await refusal(t.db.pool.query(FUSED_INSERT, [entityCode]));
    expect(error.code).toBe(SQLSTATE.laneViolation);
    expect(error.column).toBe('certified');
    expect(error.message).toMatch(/INSERT may not set certified/);
    expect(await rowExists(entityCode)).toBe(false);
  });

  it.each(Object.values(LANE_ROLES))('is refused for lane role %s', async (role) => {
    const entityCode = nextEntityCode('F');
    const error = await asRole(
      () => t.db.connect(),
      role,
      (client) => refusal(client.query(FUSED_INSERT, [entityCode])),
    );
    expect([SQLSTATE.insufficientPrivilege, SQLSTATE.laneViolation]).toContain(error.code);
    expect(await rowExists(entityCode)).toBe(false);
  });

  it.each([
    ['certified_at', 'now()'],
    ['canonical_address', "'addr:1'"],
    ['owner', "'someone'"],
    ['jsonb_profile', `'{"a":1}'::jsonb`],
  ])('an INSERT setting %s alone is refused naming it', async (column, value) => {
    const entityCode = nextEntityCode('F');
    const error = await refusal(
      t.db.pool.query(
        `insert into public.birth_registry (entity_code, ${column}) values ($1::text, ${value})`,
        [entityCode],
      ),
    );
    expect(error.code).toBe(SQLSTATE.laneViolation);
    expect(error.column).toBe(column);
    expect(error.message).toContain(column);
    expect(await rowExists(entityCode)).toBe(false);
  });

  it('an ordinary birth (status included, certified = false spelled out) is accepted', async () => {
    const entityCode = nextEntityCode('F');
    await t.db.pool.query(
      `insert into public.birth_registry (entity_code, collection_name, status, certified) values ($1::text, 'plain', 'draft', false)`,
      [entityCode],
    );
    expect(await rowExists(entityCode)).toBe(true);
  });
});

describe('the producer role', () => {
  it('may not write certified, canonical or stamp columns (42501); the stamps the inspection writes certify', async () => {
    const { id } = await mint(t.db.pool);
    await asRole(
      () => t.db.connect(),
      LANE_ROLES.producer,
      async (client) => {
        const certify = await refusal(
          client.query('update public.birth_registry set certified = true where id = $1::bigint', [id]),
        );
        expect(certify.code).toBe(SQLSTATE.insufficientPrivilege);
        const canonical = await refusal(
          client.query("update public.birth_registry set canonical_address = 'x' where id = $1::bigint", [
            id,
          ]),
        );
        expect(canonical.code).toBe(SQLSTATE.insufficientPrivilege);
        const certifiedAt = await refusal(
          client.query('update public.birth_registry set certified_at = now() where id = $1::bigint', [id]),
        );
        expect(certifiedAt.code).toBe(SQLSTATE.insufficientPrivilege);

        const stamp = await refusal(
          client.query('update public.birth_registry set inspect_pen = now() where id = $1::bigint', [id]),
        );
        expect(stamp.code).toBe(SQLSTATE.insufficientPrivilege);
      },
    );
    // The inspection (birth_lane.inspect_batch) writes stamps with the owner's rights; so does this.
    await stampInOrder(t.db.pool, id);
    expect((await stateOf(t.db.pool, id)).certified).toBe(true);
    expect((await stateOf(t.db.pool, id)).certified_at).toBeInstanceOf(Date);
  });
});

describe('the certified pair on UPDATE, even for the superuser', () => {
  async function certifiedRow(): Promise<string> {
    const { id } = await mint(t.db.pool);
    await stampInOrder(t.db.pool, id);
    expect((await stateOf(t.db.pool, id)).certified).toBe(true);
    return id;
  }

  it('clearing certified on a certified row is refused (BL001) and the row stays certified', async () => {
    const id = await certifiedRow();
    const error = await refusal(
      t.db.pool.query('update public.birth_registry set certified = false where id = $1::bigint', [id]),
    );
    expect(error.code).toBe(SQLSTATE.laneViolation);
    expect(error.column).toBe('certified');
    expect(error.message).toMatch(/UPDATE may not change certified/);
    expect((await stateOf(t.db.pool, id)).certified).toBe(true);
  });

  it('setting certified = true directly is refused, even with complete stamps in the same statement', async () => {
    const { id } = await mint(t.db.pool);
    const direct = await refusal(
      t.db.pool.query('update public.birth_registry set certified = true where id = $1::bigint', [id]),
    );
    expect(direct.code).toBe(SQLSTATE.laneViolation);
    const withStamps = await refusal(
      t.db.pool.query(
        `update public.birth_registry set inspect_pen = now(), inspect_stamp = now(), inspect_gate = now(),
                certified = true, certified_at = now() where id = $1::bigint`,
        [id],
      ),
    );
    expect(withStamps.code).toBe(SQLSTATE.laneViolation);
    expect(withStamps.message).toContain('certified, certified_at');
    expect(await stateOf(t.db.pool, id)).toMatchObject({ certified: false, inspect_pen: null });
  });

  it.each([
    ['certified_at', "now() - interval '1 day'"],
    ['canonical_address', "'addr:2'"],
    ['owner', "'someone'"],
    ['jsonb_profile', `'{}'::jsonb`],
  ])('changing %s is refused naming it', async (column, value) => {
    const id = await certifiedRow();
    const error = await refusal(
      t.db.pool.query(`update public.birth_registry set ${column} = ${value} where id = $1::bigint`, [id]),
    );
    expect(error.code).toBe(SQLSTATE.laneViolation);
    expect(error.column).toBe(column);
  });

  it('status may change while a row is uncertified, and is frozen once it is certified', async () => {
    const { id } = await mint(t.db.pool);
    await t.db.pool.query("update public.birth_registry set status = 'fixed' where id = $1::bigint", [id]);
    await stampInOrder(t.db.pool, id);
    const error = await refusal(
      t.db.pool.query("update public.birth_registry set status = 'changed' where id = $1::bigint", [id]),
    );
    expect(error.code).toBe(SQLSTATE.laneViolation);
    expect(error.column).toBe('status');
  });

  it('statements that leave the guarded columns as they are still pass', async () => {
    const id = await certifiedRow();
    await t.db.pool.query(
      "update public.birth_registry set certified = certified, owner = owner, description = 'edited' where id = $1::bigint",
      [id],
    );
    expect((await stateOf(t.db.pool, id)).certified).toBe(true);
  });
});

describe('the promotion pass cannot be forged', () => {
  it('setting birth_lane.promotion_token (or any custom setting) does not open the guard', async () => {
    const { id } = await mint(t.db.pool);
    await stampInOrder(t.db.pool, id);
    const client = await t.db.connect();
    try {
      await client.query('begin');
      for (const name of ['birth_lane.promotion_token', 'birth_lane.promotion', 'birth_lane.bypass']) {
        await client.query('select set_config($1::text, $2::text, true)', [name, 'approved']);
      }
      const error = await refusal(
        client.query('update public.birth_registry set certified = false where id = $1::bigint', [id]),
      );
      expect(error.code).toBe(SQLSTATE.laneViolation);
      await client.query('rollback');
    } finally {
      await client.end();
    }
    expect((await stateOf(t.db.pool, id)).certified).toBe(true);
  });

  it.each(Object.values(LANE_ROLES))(
    'lane role %s can neither read nor write the pass table',
    async (role) => {
      await asRole(
        () => t.db.connect(),
        role,
        async (client) => {
          const write = await refusal(
            client.query(
              'insert into birth_lane.promotion_in_progress (row_id, xact_id) values (1, pg_current_xact_id())',
            ),
          );
          expect(write.code).toBe(SQLSTATE.insufficientPrivilege);
          const read = await refusal(client.query('select * from birth_lane.promotion_in_progress'));
          expect(read.code).toBe(SQLSTATE.insufficientPrivilege);
        },
      );
    },
  );

  it('no lane role can edit the canonical collections (a way to switch promotion off)', async () => {
    for (const role of Object.values(LANE_ROLES)) {
      await asRole(
        () => t.db.connect(),
        role,
        async (client) => {
          const write = await refusal(
            client.query("insert into birth_lane.canonical_collections (collection_name) values ('x')"),
          );
          expect(write.code).toBe(SQLSTATE.insufficientPrivilege);
          const remove = await refusal(client.query('delete from birth_lane.canonical_collections'));
          expect(remove.code).toBe(SQLSTATE.insufficientPrivilege);
        },
      );
    }
  });
});
