import { contractSteps } from '@birth-lane/contract';
import { useTestDatabase } from '@birth-lane/test-kit';
import { describe, expect, it } from 'vitest';
import { consoleSteps } from '../src/console-steps.js';
import { SELECT_PILOT_NOTES_SQL } from '../src/sql/select-pilot-notes.js';
import {
  SELECT_CHECK_FAILURES_IN_WINDOW_SQL,
  SELECT_RUN_CHECK_FAILURES_SQL,
  SELECT_RUN_FAILURES_BY_CHECK_SQL,
  SELECT_RUN_FAILURES_SQL,
  SELECT_TOP_CHECKS_IN_WINDOW_SQL,
} from '../src/sql/select-run-failures.js';
import { SELECT_RUN_REPORT_PAGE_SQL, SELECT_RUN_REPORT_SQL } from '../src/sql/select-run-reports.js';

/**
 * Every query a console page runs on the evidence log has an index path: with sequential scans
 * priced out (enable_seqscan off), none of them scans the table, and the keyset pages read their
 * rows in index order, never sorting them. The step's rollback removes exactly what it made.
 */
const t = useTestDatabase({
  setupSql: contractSteps.map((step) => step.mutation),
  name: 'console-indexes',
});
const RUN = '00000000-0000-4000-8000-000000000001';
const queries: readonly (readonly [string, string, unknown[], { keyset: boolean }])[] = [
  ['a run’s failures by check', SELECT_RUN_FAILURES_BY_CHECK_SQL, [RUN], { keyset: false }],
  ['a run’s failing rows', SELECT_RUN_FAILURES_SQL, [RUN, '0', 51], { keyset: true }],
  ['a run’s rows for one check', SELECT_RUN_CHECK_FAILURES_SQL, [RUN, 'gate.x', '0', 51], { keyset: true }],
  ['top checks in a window', SELECT_TOP_CHECKS_IN_WINDOW_SQL, [86_400, 25], { keyset: false }],
  [
    'one check’s rows in a window',
    SELECT_CHECK_FAILURES_IN_WINDOW_SQL,
    ['gate.x', 86_400, '9999999', 51],
    { keyset: true },
  ],
  ['run reports, a page', SELECT_RUN_REPORT_PAGE_SQL, [26, 0], { keyset: false }],
  ['one run’s report', SELECT_RUN_REPORT_SQL, [RUN], { keyset: false }],
  ['pilot verdicts', SELECT_PILOT_NOTES_SQL, [20], { keyset: false }],
];

async function plan(sql: string, values: unknown[]): Promise<string> {
  const client = await t.db.pool.connect();
  try {
    await client.query('begin');
    await client.query('set local enable_seqscan = off');
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(`explain ${sql}`, values);
    await client.query('rollback');
    return rows.map((row) => row['QUERY PLAN']).join('\n');
  } finally {
    client.release();
  }
}

describe('console/0001_console_indexes', () => {
  it('gives every console query on the evidence log an index path, and keyset pages no sort', async () => {
    const [step] = consoleSteps;
    await t.db.pool.query(step!.mutation);
    for (const [what, sql, values, { keyset }] of queries) {
      const text = await plan(sql, values);
      expect(text, what).not.toMatch(/Seq Scan on evidence/);
      if (keyset) expect(text, what).not.toMatch(/Sort/);
    }
  });

  it('without it, a run’s and a check’s failing rows would be sorted on every page', async () => {
    const [step] = consoleSteps;
    await t.db.pool.query(step!.rollback);
    expect(await plan(SELECT_RUN_FAILURES_SQL, [RUN, '0', 51])).toMatch(/Sort/);
    expect(await plan(SELECT_CHECK_FAILURES_IN_WINDOW_SQL, ['gate.x', 86_400, '9999999', 51])).toMatch(
      /Sort|Seq Scan on evidence/,
    );
    await t.db.pool.query(step!.mutation);
  });

  it('creates exactly its footprint, and its rollback drops exactly that', async () => {
    const [step] = consoleSteps;
    const ours = async () =>
      (
        await t.db.pool.query<{ name: string }>(
          `select 'index:birth_lane.' || indexname as name from pg_catalog.pg_indexes
            where schemaname = 'birth_lane' and indexname like 'evidence_console_%' order by 1`,
        )
      ).rows.map((row) => row.name);
    await t.db.pool.query(step!.mutation);
    expect(await ours()).toEqual([...step!.footprint].sort());
    const others = await t.db.pool.query('select count(*)::int as n from pg_catalog.pg_indexes');
    await t.db.pool.query(step!.rollback);
    expect(await ours()).toEqual([]);
    const after = await t.db.pool.query('select count(*)::int as n from pg_catalog.pg_indexes');
    expect(after.rows[0].n).toBe(others.rows[0].n - step!.footprint.length);
    await t.db.pool.query(step!.mutation);
  });
});
