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
 * priced out (enable_seqscan off), none of them scans the table, each reads an index with a
 * condition, and the keyset pages seek straight to their first row and read on in index order,
 * never sorting. The step's rollback removes exactly what it made.
 */
const t = useTestDatabase({
  setupSql: contractSteps.map((step) => step.mutation),
  name: 'console-indexes',
});
const RUN = '00000000-0000-4000-8000-000000000001';
/** `seek`: for keyset pages, the index condition that starts at the page's first row. */
type Expectation = { readonly seek?: RegExp; readonly ordered?: boolean };
const RUN_SEEK = /Index Cond: \(\(run_id = [^)]*\) AND \(id > /;
const RUN_CHECK_SEEK = /Index Cond: \(\(run_id = [^)]*\) AND \(check_id = [^)]*\) AND \(id > /;
const queries: readonly (readonly [string, string, unknown[], Expectation])[] = [
  ['a run’s failures by check', SELECT_RUN_FAILURES_BY_CHECK_SQL, [RUN], {}],
  ['a run’s failing rows', SELECT_RUN_FAILURES_SQL, [RUN, '0', 51], { seek: RUN_SEEK }],
  [
    'a run’s rows for one check',
    SELECT_RUN_CHECK_FAILURES_SQL,
    [RUN, 'gate.c3', '0', 51],
    { seek: RUN_CHECK_SEEK },
  ],
  ['top checks in a window', SELECT_TOP_CHECKS_IN_WINDOW_SQL, [3600, 25], {}],
  [
    'one check’s rows in a window',
    SELECT_CHECK_FAILURES_IN_WINDOW_SQL,
    ['gate.c3', 86_400, '9999999', 51],
    // The planner may also walk the newest ids backwards (a common check fills a page at once);
    // the seek must exist, and no plan may sort the check's rows.
    { ordered: true },
  ],
  ['run reports, a page', SELECT_RUN_REPORT_PAGE_SQL, [26, 0], {}],
  ['one run’s report', SELECT_RUN_REPORT_SQL, [RUN], {}],
  ['pilot verdicts', SELECT_PILOT_NOTES_SQL, [20], {}],
];

/**
 * A log shaped like a lane's: 10 runs of 10,000 failures each over 10 days (ten checks), with their
 * run reports and a few notes, so the planner weighs the indexes against realistic numbers.
 */
async function seedLog(): Promise<void> {
  // Past times need the evidence log's server-set-times trigger out of the way: a superuser's
  // replica mode, for this transaction only (a test fixture, never the lane's own path).
  const client = await t.db.pool.connect();
  try {
    await client.query('begin');
    await client.query('set local session_replication_role = replica');
    await client.query(
      `insert into birth_lane.evidence (recorded_at, kind, run_id, row_id, entity_code, stage, check_id, rule_set_hash, message)
     select now() - make_interval(days => r) + make_interval(secs => g),
            'inspection_failure', ('00000000-0000-4000-8000-' || lpad((r + 1)::text, 12, '0'))::uuid,
            r * 10000 + g, 'ENT-' || lpad((r * 10000 + g)::text, 8, '0'), 'gate', 'gate.c' || (g % 10),
            'h', 'failed'
       from generate_series(0, 9) r, generate_series(1, 10000) g`,
    );
    await client.query(
      `insert into birth_lane.evidence (recorded_at, kind, run_id, payload)
     select now() - make_interval(days => r), 'run_report',
            ('00000000-0000-4000-8000-' || lpad((r + 1)::text, 12, '0'))::uuid, '{}'::jsonb
       from generate_series(0, 9) r`,
    );
    await client.query(
      `insert into birth_lane.evidence (kind, payload)
     select 'note', jsonb_build_object('topic', 'install.step') from generate_series(1, 20)`,
    );
    await client.query('commit');
  } finally {
    client.release();
  }
  await t.db.pool.query('vacuum analyze birth_lane.evidence');
}

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
    await seedLog();
    for (const [what, sql, values, { seek, ordered }] of queries) {
      const text = await plan(sql, values);
      expect(text, what).not.toMatch(/Seq Scan on evidence/);
      // An index read with a condition, not a whole index read in place of the table.
      expect(text, what).toMatch(/Index Cond/);
      if (seek) expect(text, what).toMatch(seek);
      if (seek || ordered) expect(text, what).not.toMatch(/Sort/);
    }
  });

  it('without it, the keyset pages could not seek to their first row', async () => {
    const [step] = consoleSteps;
    await t.db.pool.query(step!.rollback);
    expect(await plan(SELECT_RUN_FAILURES_SQL, [RUN, '0', 51])).not.toMatch(RUN_SEEK);
    expect(await plan(SELECT_RUN_CHECK_FAILURES_SQL, [RUN, 'gate.c3', '0', 51])).not.toMatch(RUN_CHECK_SEEK);
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
