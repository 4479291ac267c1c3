import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProofReport } from '@birth-lane/contract';
import { inspectionCompiler } from '@birth-lane/inspect-producer';
import { useTestDatabase } from '@birth-lane/test-kit';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { type PilotOptions, runPilot } from '../src/pilot/run-pilot.js';
import { activeLaneTemplate } from './active-lane-template.js';
import { runCli } from './run-cli.js';

const t = useTestDatabase({ template: activeLaneTemplate, name: 'pilot' });
const ROWS = 400;

/** Writes past the lane's guards (a superuser with triggers off), as a leak or a careless script would. */
async function writeAsLeak(sql: string, values: unknown[] = []): Promise<void> {
  const client = await t.db.connect();
  try {
    await client.query('set session_replication_role = replica');
    await client.query(sql, values);
  } finally {
    await client.end();
  }
}

/** The ids on the one staging surface that exists while a pilot runs (read as the test's superuser). */
async function surfaceIds(): Promise<string[]> {
  const { rows } = await t.db.pool.query<{ schema: string }>(
    `select nspname as schema from pg_namespace where nspname like 'bl_stage_%'`,
  );
  expect(rows).toHaveLength(1);
  const ids = await t.db.pool.query<{ id: string }>(
    `select id::text from ${rows[0]!.schema}.input order by id`,
  );
  return ids.rows.map((row) => row.id);
}

function pilot(extra: Partial<PilotOptions> = {}) {
  return runPilot(t.db.pool, {
    compiler: inspectionCompiler,
    input: { kind: 'sample', size: 100 },
    kgTables: [],
    ...extra,
  });
}

function claim(proof: ProofReport, id: string) {
  const found = proof.claims.find((each) => each.id === id);
  expect(found, `claim ${id}`).toBeDefined();
  return found!;
}

describe('birth-lane pilot', () => {
  beforeAll(async () => {
    await writeAsLeak(
      `insert into public.birth_registry (entity_code, collection_name, species_code, dot_origin, governance_role, born_at, name, description, status, jsonb_profile)
       select 'PLT-' || lpad(i::text, 6, '0'), 'fauna', 'SP-MAMMAL', 'dot://zoo/' || i, 'governed', timestamptz '2025-01-01' + i * interval '1 minute',
              'Entity ' || i, case when i % 3 = 0 then 'short' else 'A description long enough to pass.' end, 'active', '{"a": 1.0}'
         from generate_series(1, $1::int) as i`,
      [ROWS],
    );
  });

  it('passes on a quiet database, every NT claim carrying its numbers, and leaves no surface behind', async () => {
    const steps: string[] = [];
    const result = await pilot({ onStep: (step) => void steps.push(step) });
    expect(steps).toEqual(['snapshot', 'create', 'run', 'report', 'drop', 'snapshot-after', 'verdict']);
    expect(result.proof.verdict).toBe('PASS');
    expect(result.proof.claims.map((each) => each.id)).toEqual([
      'NT-1',
      'NT-2',
      'NT-3',
      'NT-4',
      'NT-5',
      'NT-6',
      'NT-7',
      'NT-8',
    ]);
    for (const each of result.proof.claims) {
      expect(each.holds).toBe(true);
      expect(Object.keys(each.before).length, `${each.id} before`).toBeGreaterThan(0);
      expect(Object.keys(each.after).length, `${each.id} after`).toBeGreaterThan(0);
    }
    expect(result.staging.counts.rows).toBe(100);
    expect(result.proof.stagingEvidence).toMatchObject({ residue: [], certifyTriggersOnSurface: 0 });
    const left = await t.db.pool.query(`select 1 from pg_namespace where nspname like 'bl_stage_%'`);
    expect(left.rowCount).toBe(0);
  });

  it('passes for an operator holding only birth_lane_staging and birth_lane_reader, residue check clean (BAD-15)', async () => {
    // Such a login may not read every birth_lane table (applied_steps, promotion_in_progress):
    // the residue search reads them through the staging step's definer functions.
    const login = `bl_pilot_${randomBytes(4).toString('hex')}`;
    const password = randomBytes(12).toString('hex');
    await t.db.pool.query(
      `create role ${login} login password '${password}' in role birth_lane_staging, birth_lane_reader`,
    );
    const url = new URL(t.db.connectionString);
    url.username = login;
    url.password = password;
    const pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
    try {
      const unreadable = await pool.query<{ n: number }>(
        `select count(*)::int as n from pg_class
          where relnamespace = 'birth_lane'::regnamespace and relkind = 'r' and not has_table_privilege(oid, 'SELECT')`,
      );
      expect(unreadable.rows[0]!.n).toBeGreaterThan(0);
      const result = await runPilot(pool, {
        compiler: inspectionCompiler,
        input: { kind: 'sample', size: 50 },
        kgTables: [],
      });
      expect(result.proof.stagingEvidence).toMatchObject({ residue: [] });
      expect(claim(result.proof, 'NT-7').holds).toBe(true);
      expect(result.proof.verdict).toBe('PASS');
    } finally {
      await pool.end();
      await t.db.pool.query(`drop role ${login}`);
    }
  });

  // Another session changes one production cell while the surface runs: never PASS, the right claim named.
  const cases = [
    {
      what: 'a stamp on a sampled row',
      claim: 'NT-1',
      verdict: 'FAIL',
      sampled: true,
      sql: 'update public.birth_registry set inspect_pen = now() where id = $1::bigint',
    },
    {
      what: 'a stamp on a row the pilot never read',
      claim: 'NT-1',
      verdict: 'INCONCLUSIVE',
      sampled: false,
      sql: 'update public.birth_registry set inspect_pen = now() where id = $1::bigint',
    },
    {
      what: 'certified on a sampled row',
      claim: 'NT-2',
      verdict: 'FAIL',
      sampled: true,
      sql: 'update public.birth_registry set certified = true, certified_at = now() where id = $1::bigint',
    },
    {
      what: 'a canonical column on a sampled row',
      claim: 'NT-3',
      verdict: 'FAIL',
      sampled: true,
      sql: `update public.birth_registry set owner = 'someone' where id = $1::bigint`,
    },
    {
      what: "a jsonb number's scale (1.0 → 1.00) on a row the pilot never read",
      claim: 'NT-3',
      verdict: 'INCONCLUSIVE',
      sampled: false,
      sql: `update public.birth_registry set jsonb_profile = '{"a": 1.00}' where id = $1::bigint`,
    },
    {
      what: 'a value written back as it was on a sampled row',
      claim: 'NT-7',
      verdict: 'FAIL',
      sampled: true,
      sql: 'update public.birth_registry set owner = owner where id = $1::bigint',
    },
    {
      what: 'a new row',
      claim: 'NT-4',
      verdict: 'INCONCLUSIVE',
      sampled: null,
      sql: `insert into public.birth_registry (entity_code, collection_name, dot_origin, name) values ('PLT-NEW-' || $1::text, 'fauna', 'dot://x', 'n')`,
    },
  ] as const;
  for (const change of cases) {
    it(`is ${change.verdict}, naming ${change.claim}, when another session writes ${change.what} during the pilot`, async () => {
      const result = await pilot({
        onStep: async (step) => {
          if (step !== 'run') return;
          const sampled = await surfaceIds();
          const all = await t.db.pool.query<{ id: string }>(
            'select id::text from public.birth_registry order by id',
          );
          const target =
            change.sampled === null
              ? String(Date.now())
              : change.sampled
                ? sampled[0]!
                : all.rows.map((row) => row.id).find((id) => !sampled.includes(id))!;
          await writeAsLeak(change.sql, [target]);
        },
      });
      expect(result.proof.verdict).toBe(change.verdict);
      const broken = claim(result.proof, change.claim);
      expect(broken.holds).not.toBe(true);
      if (change.verdict === 'FAIL') expect(broken.failCondition).toMatch(/^F-OPEN-/);
    });
  }

  it('is INCONCLUSIVE, never PASS, while another session holds an uncommitted write across the whole pilot', async () => {
    const writer = await t.db.connect();
    try {
      await writer.query('begin');
      // An uncertified row: an earlier test may have written certified on the lowest id (sampling is
      // random), and the registry refuses a status change on a certified row.
      await writer.query(
        `update public.birth_registry set status = 'pending'
          where id = (select min(id) from public.birth_registry where certified is not true)`,
      );
      const result = await pilot();
      expect(result.proof.verdict).toBe('INCONCLUSIVE');
      const nt7 = claim(result.proof, 'NT-7');
      expect(nt7.holds).toBeNull();
      expect(nt7.detail).toMatch(/uncommitted writes/);
      expect(nt7.after['registry.pending_writers']).toBe(1);
    } finally {
      await writer.query('rollback');
      await writer.end();
    }
  });

  it('fails NT-7 with F-OPEN-9 when something of the surface survives its drop (BAD-15)', async () => {
    let leftover = '';
    const result = await pilot({
      onStep: async (step) => {
        if (step !== 'drop') return;
        const { rows } = await t.db.pool.query<{ schema: string }>(
          `select nspname as schema from pg_namespace where nspname like 'bl_stage_%'`,
        );
        leftover = `${rows[0]!.schema}_leftover`;
        await t.db.pool.query(`create table public.${leftover} (x int)`);
      },
    });
    try {
      expect(result.proof.verdict).toBe('FAIL');
      const nt7 = claim(result.proof, 'NT-7');
      expect(nt7.holds).toBe(false);
      expect(nt7.failCondition).toBe('F-OPEN-9');
      expect(JSON.stringify(result.proof.stagingEvidence.residue)).toContain(leftover);
    } finally {
      await t.db.pool.query(`drop table if exists public.${leftover}`);
    }
  });

  it('fails NT-6 for any trigger on the surface that is not one of its guards, however innocently named', async () => {
    // A function whose name says nothing of certifying (the old name heuristic missed it).
    await t.db.pool.query(
      `create or replace function public.tidy_rows() returns trigger language plpgsql as $$ begin return new; end $$`,
    );
    const result = await pilot({
      onStep: async (step) => {
        if (step !== 'report') return;
        const { rows } = await t.db.pool.query<{ schema: string }>(
          `select nspname as schema from pg_namespace where nspname like 'bl_stage_%'`,
        );
        await t.db.pool.query(
          `create trigger keep_tidy after update on ${rows[0]!.schema}.input for each row execute function public.tidy_rows()`,
        );
      },
    });
    await t.db.pool.query('drop function public.tidy_rows()');
    expect(result.proof.verdict).toBe('FAIL');
    const nt6 = claim(result.proof, 'NT-6');
    expect(nt6).toMatchObject({ holds: false, failCondition: 'F-OPEN-8' });
    expect(nt6.detail).toMatch(/keep_tidy on bl_stage_\w+\.input → tidy_rows\(\)/);
    expect(result.proof.stagingEvidence).toMatchObject({ certifyTriggersOnSurface: 1 });
  });

  it('runs from the command line: exit 0 with --json and a Markdown report on PASS, 64 on conflicting flags', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pilot-cli-'));
    const markdown = join(dir, 'proof.md');
    const env = { DATABASE_URL: t.db.connectionString, BIRTH_LANE_KG_TABLES: '' };
    const passed = await runCli(['pilot', '--sample', '50', '--json', '--markdown', markdown], env);
    expect(passed.stderr).not.toMatch(/error|birth-lane:/i);
    expect(passed.code).toBe(0);
    const report = JSON.parse(passed.stdout) as { proof: ProofReport };
    expect(report.proof.verdict).toBe('PASS');
    expect(await readFile(markdown, 'utf8')).toMatch(/^# No-production-touch proof: PASS/);

    // An unwritable --markdown is refused before the pilot starts: 64, naming the flag, no surface made.
    const unwritable = await runCli(
      ['pilot', '--sample', '5', '--markdown', join(dir, 'no', 'such', 'x.md')],
      env,
    );
    expect(unwritable.code).toBe(64);
    expect(unwritable.stderr).toMatch(/--markdown .*x\.md: its directory .* does not exist/);
    expect(unwritable.stderr).not.toMatch(/pilot: snapshot/);

    const conflicting = await runCli(['pilot', '--sample', '5', '--fixtures', 'x.jsonl'], env);
    expect(conflicting.code).toBe(64);
    expect(conflicting.stderr).toMatch(/--sample N or --fixtures FILE, not both/);
  });
});
