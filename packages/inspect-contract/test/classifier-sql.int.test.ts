import { contractSteps, type StampSlots } from '@birth-lane/contract';
import { useTestDatabase } from '@birth-lane/test-kit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  classifyStamps,
  INSPECT_CONTRACT_VERSION,
  inspectContractSteps,
  inspectReasonSql,
  inspectStateSql,
} from '../src/index.js';
import { asParameter, show, stampSlots } from './arbitraries.js';

const t = useTestDatabase({
  setupSql: [...contractSteps, ...inspectContractSteps].map((step) => step.mutation),
});

const BATCH_SIZE = 1_000;
const BATCHES = 6;

// One query per batch: the installed functions and the builder's inline expressions, side by side.
const CLASSIFY_BATCH_SQL = `
  select birth_lane.inspect_state(s.pen, s.stamp, s.gate) as state,
         birth_lane.inspect_reason(s.pen, s.stamp, s.gate) as reason,
         ${inspectStateSql('s.pen', 's.stamp', 's.gate')} as inline_state,
         ${inspectReasonSql('s.pen', 's.stamp', 's.gate')} as inline_reason
    from unnest($1::timestamptz[], $2::timestamptz[], $3::timestamptz[]) with ordinality as s(pen, stamp, gate, ord)
   order by s.ord`;

interface ClassifiedRow {
  state: string | null;
  reason: string | null;
  inline_state: string | null;
  inline_reason: string | null;
}

describe('birth_lane.inspect_state / inspect_reason against classifyStamps', () => {
  it(`agree on ${BATCHES * BATCH_SIZE} random stamp states, in batches of ${BATCH_SIZE}`, async () => {
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(stampSlots, { minLength: BATCH_SIZE, maxLength: BATCH_SIZE }),
        async (batch) => {
          const { rows } = await t.db.pool.query<ClassifiedRow>(CLASSIFY_BATCH_SQL, [
            batch.map((slots) => asParameter(slots.inspect_pen)),
            batch.map((slots) => asParameter(slots.inspect_stamp)),
            batch.map((slots) => asParameter(slots.inspect_gate)),
          ]);
          expect(rows).toHaveLength(batch.length);
          const mismatches = batch.flatMap((slots: StampSlots, index) => {
            const expected = classifyStamps(slots);
            const row = rows[index]!;
            const agree =
              row.state === expected.state &&
              row.reason === expected.reason &&
              row.inline_state === expected.state &&
              row.inline_reason === expected.reason;
            return agree ? [] : [{ slots: show(slots), expected, database: row }];
          });
          compared += batch.length;
          expect(mismatches).toEqual([]);
        },
      ),
      // No shrinking: a batch cannot shrink below its fixed size, and the mismatch list already
      // names each failing state exactly.
      { numRuns: BATCHES, endOnFailure: true },
    );
    expect(compared).toBeGreaterThanOrEqual(5_000);
  });

  it('orders by microseconds, which a Date cannot see', async () => {
    const { rows } = await t.db.pool.query<{ state: string; reason: string }>(
      `select birth_lane.inspect_state(p, s, null) as state, birth_lane.inspect_reason(p, s, null) as reason
         from (values ('2025-01-01 00:00:00.000600+00'::timestamptz, '2025-01-01 00:00:00.000100+00'::timestamptz)) v(p, s)`,
    );
    expect(rows[0]).toEqual({ state: 'ambiguous', reason: 'stamp_before_pen' });
  });

  it('is inlined by the planner into the calling query (no per-row function call)', async () => {
    const { rows } = await t.db.pool.query<{ 'QUERY PLAN': string }>(
      `explain (verbose, costs off)
       select birth_lane.inspect_state(inspect_pen, inspect_stamp, inspect_gate) from public.birth_registry`,
    );
    const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
    expect(plan).toMatch(/CASE\s+WHEN/);
    expect(plan).not.toContain('inspect_state(');
  });

  it('reports the contract version the package carries, from immutable functions', async () => {
    const { rows } = await t.db.pool.query<{ version: string }>(
      'select birth_lane.inspect_contract_version() as version',
    );
    expect(rows[0]?.version).toBe(INSPECT_CONTRACT_VERSION);
    const volatility = await t.db.pool.query<{ proname: string; provolatile: string }>(
      `select proname, provolatile from pg_proc
        where pronamespace = 'birth_lane'::regnamespace
          and proname in ('inspect_state', 'inspect_reason', 'inspect_contract_version') order by proname`,
    );
    expect(volatility.rows).toEqual([
      { proname: 'inspect_contract_version', provolatile: 'i' },
      { proname: 'inspect_reason', provolatile: 'i' },
      { proname: 'inspect_state', provolatile: 'i' },
    ]);
  });
});
