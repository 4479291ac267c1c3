import { contractSteps, type StampSlots } from '@birth-lane/contract';
import { useTestDatabase } from '@birth-lane/test-kit';
import fc from 'fast-check';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  inspectContractSteps,
  judgeStampTransition,
  STUD_RULES,
  type StampTransitionVerdict,
} from '../src/index.js';
import { asParameter, instant, show, stampSlots } from './arbitraries.js';

const t = useTestDatabase({
  setupSql: [...contractSteps, ...inspectContractSteps].map((step) => step.mutation),
});

const BATCH_SIZE = 1_000;
const BATCHES = 3;

/**
 * Tries each update in its own subtransaction and reports how the guard answered, so a whole batch
 * of transitions costs one round trip. Any error other than BL001 escapes and fails the test.
 */
const TRY_UPDATES_SQL = `
  create function pg_temp.try_stamp_updates(ids bigint[], pens timestamptz[], stamps timestamptz[], gates timestamptz[])
    returns table (ord int, refused_rule text, refused_column text)
    language plpgsql
  as $$
  begin
    for i in 1 .. coalesce(array_length(ids, 1), 0) loop
      ord := i;
      refused_rule := null;
      refused_column := null;
      begin
        update public.birth_registry
           set inspect_pen = pens[i], inspect_stamp = stamps[i], inspect_gate = gates[i]
         where id = ids[i];
      exception when sqlstate 'BL001' then
        get stacked diagnostics refused_rule = constraint_name, refused_column = column_name;
      end;
      return next;
    end loop;
  end
  $$`;

// Each slot of the written row: left as it was (most often), cleared, or set to some instant.
const change = fc.oneof(
  { weight: 3, arbitrary: fc.constant('keep' as const) },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 2, arbitrary: instant },
);
const transition = fc
  .tuple(stampSlots, fc.tuple(change, change, change))
  .map(([before, [pen, stamp, gate]]): { before: StampSlots; after: StampSlots } => ({
    before,
    after: {
      inspect_pen: pen === 'keep' ? before.inspect_pen : pen,
      inspect_stamp: stamp === 'keep' ? before.inspect_stamp : stamp,
      inspect_gate: gate === 'keep' ? before.inspect_gate : gate,
    },
  }));

let client: pg.Client;
beforeAll(async () => {
  client = await t.db.connect();
  await client.query(TRY_UPDATES_SQL);
});
afterAll(async () => {
  await client.end();
});

/** Seeds the `before` rows as field data (ambiguous ones included), bypassing the guard. */
async function seed(befores: readonly StampSlots[]): Promise<string[]> {
  await client.query('begin');
  try {
    await client.query('alter table public.birth_registry disable trigger trg_birth_inspect_stud_insert');
    // The entity code carries each row's position, so ids map back to the batch whatever order
    // the insert happened to assign them in.
    const { rows } = await client.query<{ id: string; ord: string }>(
      `insert into public.birth_registry (entity_code, inspect_pen, inspect_stamp, inspect_gate)
       select 'PROP-' || $4::text || '-' || s.ord, s.pen, s.stamp, s.gate
         from unnest($1::timestamptz[], $2::timestamptz[], $3::timestamptz[]) with ordinality as s(pen, stamp, gate, ord)
       returning id::text, split_part(entity_code, '-', 3) as ord`,
      [
        befores.map((slots) => asParameter(slots.inspect_pen)),
        befores.map((slots) => asParameter(slots.inspect_stamp)),
        befores.map((slots) => asParameter(slots.inspect_gate)),
        Math.random().toString(36).slice(2),
      ],
    );
    await client.query('alter table public.birth_registry enable trigger trg_birth_inspect_stud_insert');
    await client.query('commit');
    const ids: string[] = [];
    for (const row of rows) ids[Number(row.ord) - 1] = row.id;
    return ids;
  } catch (error) {
    await client.query('rollback');
    throw error;
  }
}

const sameInstant = (a: Date | null, b: Date | null) =>
  a === null ? b === null : b !== null && a.getTime() === b.getTime();
const sameSlots = (a: StampSlots, b: StampSlots) =>
  sameInstant(a.inspect_pen, b.inspect_pen) &&
  sameInstant(a.inspect_stamp, b.inspect_stamp) &&
  sameInstant(a.inspect_gate, b.inspect_gate);

describe('trg_birth_inspect_stud against judgeStampTransition', () => {
  it(`gives the same verdict on ${BATCHES * BATCH_SIZE} random transitions, and writes only what it allows`, async () => {
    let compared = 0;
    const outcomes = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.array(transition, { minLength: BATCH_SIZE, maxLength: BATCH_SIZE }),
        async (batch) => {
          const ids = await seed(batch.map((pair) => pair.before));
          const { rows } = await client.query<{
            ord: number;
            refused_rule: string | null;
            refused_column: string | null;
          }>(
            'select * from pg_temp.try_stamp_updates($1::bigint[], $2::timestamptz[], $3::timestamptz[], $4::timestamptz[])',
            [
              ids,
              batch.map((pair) => asParameter(pair.after.inspect_pen)),
              batch.map((pair) => asParameter(pair.after.inspect_stamp)),
              batch.map((pair) => asParameter(pair.after.inspect_gate)),
            ],
          );
          const stored = await client.query<StampSlots>(
            `select r.inspect_pen, r.inspect_stamp, r.inspect_gate
             from unnest($1::bigint[]) with ordinality as wanted(id, ord)
             join public.birth_registry r on r.id = wanted.id
            order by wanted.ord`,
            [ids],
          );
          expect(stored.rows).toHaveLength(batch.length);
          const mismatches = batch.flatMap((pair, index) => {
            const row = rows[index]!;
            const database: StampTransitionVerdict =
              row.refused_rule === null
                ? { allowed: true }
                : ({
                    allowed: false,
                    rule: row.refused_rule.replace(/^inspect_stud\./, ''),
                    column: row.refused_column,
                  } as StampTransitionVerdict);
            const expected = judgeStampTransition(pair.before, pair.after);
            outcomes.add(expected.allowed ? 'allowed' : expected.rule);
            const written = stored.rows[index]!;
            const expectedStored = expected.allowed ? pair.after : pair.before;
            const agree =
              JSON.stringify(database) === JSON.stringify(expected) && sameSlots(written, expectedStored);
            return agree
              ? []
              : [
                  {
                    before: show(pair.before),
                    after: show(pair.after),
                    expected,
                    database,
                    stored: show(written),
                  },
                ];
          });
          compared += batch.length;
          expect(mismatches).toEqual([]);
        },
      ),
      { numRuns: BATCHES, endOnFailure: true },
    );
    expect(compared).toBe(BATCHES * BATCH_SIZE);
    // The generator must reach every verdict an UPDATE of finite stamps can get, or agreeing proves little.
    const reachable = STUD_RULES.filter((rule) => rule !== 'stamp_on_insert' && rule !== 'stamp_not_finite');
    expect([...outcomes].sort()).toEqual(['allowed', ...reachable].sort());
  });
});
