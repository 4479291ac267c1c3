import { contractSteps, ruleSetSchema } from '@birth-lane/contract';
import { useTestDatabase } from '@birth-lane/test-kit';
import { beforeAll, describe, expect, it } from 'vitest';
import { ruleSetSteps } from '../src/rule-set-steps.js';
import { runProducer } from '../src/run/run-producer.js';
import { saveAndActivate } from './activate.js';

/**
 * Rule-set text ends up inside generated SQL: the batch statement, inside the plpgsql body of
 * inspect_batch, inside a CREATE FUNCTION. None of it may end a quote. This rule set is full of
 * what ends quotes: single quotes, $$, the dollar tag the old procedure used, backslashes (which
 * a session with standard_conforming_strings off reads as escapes), format() directives.
 */
const NASTY = `it's $$ $producer_batch$ $procedure$ \\' \\\\ %L %s %% '); drop table public.birth_registry; --`;
const ruleSet = ruleSetSchema.parse({
  version: '6.6.6',
  description: NASTY,
  stages: {
    pen: [
      {
        id: 'pen.name.nasty_pattern',
        kind: 'pattern',
        field: 'name',
        pattern: "^it's \\$\\$ \\$producer_batch\\$ \\\\ end$",
        message: NASTY,
      },
    ],
    stamp: [
      {
        id: 'stamp.status.nasty_value',
        kind: 'one_of',
        field: 'status',
        values: [NASTY, '$$'],
        message: `${NASTY} (status)`,
      },
    ],
    gate: [
      { id: 'gate.fit.nasty_key', kind: 'species_fit', allowed: { [NASTY]: ['SP-$$'] }, unlisted: 'fail' },
    ],
  },
});

const t = useTestDatabase({ setupSql: [...contractSteps, ...ruleSetSteps].map((step) => step.mutation) });

async function seed(code: string, name: string, status: string): Promise<void> {
  await t.db.pool.query(
    `insert into public.birth_registry (entity_code, collection_name, species_code, dot_origin, born_at, name, description, status)
     values ($1::text, $2::text, 'SP-$$', 'dot://x', '2025-01-01T00:00:00Z', $3::text, 'described enough', $4::text)`,
    [code, NASTY, name, status],
  );
}

describe('generated SQL quoting', () => {
  beforeAll(async () => {
    await saveAndActivate(t.db, ruleSet);
  });

  it('compiles the inspection with the rule set text intact, and judges by it', async () => {
    const name = "it's $$ $producer_batch$ \\ end";
    await seed('Q-001', name, NASTY); // passes every stage
    await seed('Q-002', `${name}!`, NASTY); // fails PEN: the pattern is anchored
    await seed('Q-003', name, '$$ '); // fails STAMP
    const report = await runProducer(t.db.pool, { channel: 'once' });
    expect(report).toMatchObject({
      outcome: 'completed',
      passed: { pen: 2, stamp: 1, gate: 1 },
      failed: { pen: 1, stamp: 1, gate: 0 },
    });
    const { rows } = await t.db.pool.query<{ entity_code: string; check_id: string; message: string }>(
      "select entity_code, check_id, message from birth_lane.evidence where kind = 'inspection_failure' order by entity_code",
    );
    expect(rows.map((row) => [row.entity_code, row.check_id])).toEqual([
      ['Q-002', 'pen.name.nasty_pattern'],
      ['Q-003', 'stamp.status.nasty_value'],
    ]);
    expect(rows[0]!.message.startsWith(`${NASTY} (found: `)).toBe(true);
    expect(rows[1]!.message.startsWith(`${NASTY} (status) (found: `)).toBe(true);
    const { rows: registry } = await t.db.pool.query('select count(*)::int as n from public.birth_registry');
    expect(registry[0].n).toBe(3);
  });

  it('runs the same in a session with standard_conforming_strings off', async () => {
    await seed('Q-101', "it's $$ $producer_batch$ \\ end", NASTY);
    const client = await t.db.connect();
    try {
      await client.query('set standard_conforming_strings = off');
      const { rows } = await client.query<{ run: string }>("select birth_lane.begin_run('once') as run");
      const { rows: batch } = await client.query(
        'select passed_gate from birth_lane.inspect_batch($1::uuid, 0, null, 100)',
        [rows[0]!.run],
      );
      expect(batch[0].passed_gate).toBe(1);
    } finally {
      await client.end();
    }
  });
});
