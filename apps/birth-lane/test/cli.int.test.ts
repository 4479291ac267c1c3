import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT_CODES } from '@birth-lane/contract';
import { useTestDatabase } from '@birth-lane/test-kit';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activateWithDemoApprovals } from '../src/lane/demo-activation.js';
import { installLane } from '../src/lane/install-lane.js';
import { seedRegistry } from '../src/seed/seed-registry.js';
import { installActiveLane } from './install-active-lane.js';
import { BIRTH_LANE, runCli, startCli } from './run-cli.js';

/** A stack trace line, which a user must never see without --debug. */
const STACK_LINE = /^\s+at .+[(:]\d+/m;

/** How long a test waits for the database to show what a running CLI did. */
const POLL = { timeout: 60_000, interval: 50 };

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('status as a pipe and the run under signals (external database)', () => {
  const t = useTestDatabase({ setupSql: [] });

  it('`status --json | node -e JSON.parse(…)` parses: stdout carries only the JSON', async () => {
    await installActiveLane(t.db);
    const piped = await new Promise<{ code: number | null; out: string }>((resolve) => {
      execFile(
        'sh',
        [
          '-c',
          `"${BIRTH_LANE}" status --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s);process.stdout.write(String(v.registry.total))})'`,
        ],
        {
          env: {
            PATH: process.env['PATH'] ?? '',
            HOME: process.env['HOME'] ?? '/tmp',
            DATABASE_URL: t.db.connectionString,
          },
        },
        (error, stdout) =>
          resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, out: stdout }),
      );
    });
    expect(piped).toEqual({ code: 0, out: '0' });
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} on \`run\` stops after the batch in flight: exit 3 and the run report on record`, async () => {
      await installActiveLane(t.db);
      const { rows: before } = await t.db.pool.query<{ n: number }>(
        'select count(*)::int as n from public.birth_registry',
      );
      if (before[0]!.n === 0) await seedRegistry(t.db.pool, 200_000);
      const cli = startCli(['run', '--json', '--batch-size', '200'], {
        DATABASE_URL: t.db.connectionString,
        BIRTH_LANE_CONCURRENCY: '1',
      });
      // Signal once the run is inspecting (a stamp has landed since the run began).
      const { rows: started } = await t.db.pool.query<{ n: number }>(
        'select count(inspect_pen)::int as n from public.birth_registry',
      );
      await expect
        .poll(async () => {
          const { rows } = await t.db.pool.query<{ n: number }>(
            'select count(inspect_pen)::int as n from public.birth_registry',
          );
          return rows[0]!.n;
        }, POLL)
        .toBeGreaterThan(started[0]!.n);
      const result = await cli.stop({ signal });
      expect(result.code, result.stderr).toBe(EXIT_CODES.stopped);
      const report = JSON.parse(result.stdout) as { runId: string; outcome: string };
      expect(report.outcome).toBe('stopped');
      const { rows } = await t.db.pool.query(
        "select payload->'report'->>'outcome' as outcome from birth_lane.evidence where kind = 'run_report' and run_id = $1::uuid",
        [report.runId],
      );
      expect(rows).toEqual([{ outcome: 'stopped' }]);
    });
  }
});

describe('errors a person can act on: message, exit code, no stack trace', () => {
  const t = useTestDatabase({ setupSql: [] });
  const suffix = randomBytes(4).toString('hex');
  const login = `bl_cli_user_${suffix}`;
  const password = `pw-${suffix}`;

  afterAll(async () => {
    await t.db.pool.query(`drop owned by ${login}`).catch(() => undefined);
    await t.db.pool.query(`drop role if exists ${login}`).catch(() => undefined);
  });

  it('an unreachable server: 69, names the host from DATABASE_URL, hides the password', async () => {
    const port = await freePort();
    const result = await runCli(['status'], {
      DATABASE_URL: `postgres://someone:s3cret-pw@127.0.0.1:${port}/registry`,
    });
    expect(result.code).toBe(EXIT_CODES.unavailable);
    expect(result.stderr).toContain(`someone@127.0.0.1:${port}/registry`);
    expect(result.stderr).toContain('DATABASE_URL');
    expect(result.stderr).not.toContain('s3cret-pw');
    expect(result.stderr).not.toMatch(STACK_LINE);
    expect(result.stdout).toBe('');
  });

  it('--debug adds the stack trace', async () => {
    const port = await freePort();
    const result = await runCli(['status', '--debug'], { DATABASE_URL: `postgres://x@127.0.0.1:${port}/x` });
    expect(result.code).toBe(EXIT_CODES.unavailable);
    expect(result.stderr).toMatch(STACK_LINE);
  });

  it('the lane not installed: 69 and `birth-lane install`', async () => {
    for (const command of [['status'], ['runs'], ['failures'], ['explain', 'ENT-1']]) {
      const result = await runCli(command, { DATABASE_URL: t.db.connectionString });
      expect(result.code, command.join(' ')).toBe(EXIT_CODES.unavailable);
      expect(result.stderr).toContain('birth-lane install');
      expect(result.stderr).not.toMatch(STACK_LINE);
    }
  });

  it('seeding needs a superuser: 77, said before anything is installed', async () => {
    await t.db.pool.query(`create role ${login} login password '${password}'`);
    const database = new URL(t.db.connectionString).pathname.slice(1);
    await t.db.pool.query(`grant create on database "${database}" to ${login}`);
    const url = new URL(t.db.connectionString);
    url.username = login;
    url.password = password;
    const result = await runCli(['start', '--rows', '10'], { DATABASE_URL: url.toString() });
    expect(result.code).toBe(EXIT_CODES.noPermission);
    expect(result.stderr).toMatch(/superuser/);
    expect(result.stderr).toMatch(/Nothing was installed/);
    expect(result.stderr).not.toMatch(STACK_LINE);
    const { rows } = await t.db.pool.query("select to_regnamespace('birth_lane') as schema");
    expect(rows[0].schema).toBeNull();
  });

  it('a missing privilege: 77 and the exact GRANT', async () => {
    await installActiveLane(t.db);
    const url = new URL(t.db.connectionString);
    url.username = login;
    url.password = password;
    for (const command of [['status'], ['runs'], ['failures']]) {
      const result = await runCli(command, { DATABASE_URL: url.toString() });
      expect(result.code, command.join(' ')).toBe(EXIT_CODES.noPermission);
      expect(result.stderr).toContain(`grant birth_lane_reader to ${login};`);
      expect(result.stderr).not.toMatch(STACK_LINE);
    }
    await t.db.pool.query(`grant birth_lane_reader to ${login}`);
    const granted = await runCli(['status', '--json'], { DATABASE_URL: url.toString() });
    expect(granted.code, granted.stderr).toBe(0);
  });

  it('usage: 64 with the one problem and a pointer to --help; bare `birth-lane` prints help and exits 64', async () => {
    const bad = await runCli(['failures', '--since', 'yesterday'], { DATABASE_URL: t.db.connectionString });
    expect(bad.code).toBe(EXIT_CODES.usage);
    expect(bad.stderr).toContain('--since');
    expect(bad.stderr).toContain('--help');
    expect(bad.stderr).not.toContain('Commands:');
    const bare = await runCli([], {});
    expect(bare.code).toBe(EXIT_CODES.usage);
    expect(bare.stderr).toContain('Commands:');
    const help = await runCli(['help', 'status'], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: birth-lane status');
    const group = await runCli(['db'], {});
    expect(group.code).toBe(EXIT_CODES.usage);
    const version = await runCli(['--version'], {});
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('a malformed run report on record is reported, never fatal', async () => {
    await installActiveLane(t.db);
    await t.db.pool.query(
      `insert into birth_lane.evidence (kind, payload) values ('run_report', '{"report": {"runId": "not-a-uuid"}}'::jsonb)`,
    );
    const runs = await runCli(['runs', '--json'], { DATABASE_URL: t.db.connectionString });
    expect(runs.code, runs.stderr).toBe(0);
    expect(JSON.parse(runs.stdout).malformed).toHaveLength(1);
    const status = await runCli(['status'], { DATABASE_URL: t.db.connectionString });
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/1 malformed evidence record\(s\) skipped/);
  });
});

describe('start: resumable seeding and two starts at once (external database)', () => {
  const t = useTestDatabase({ setupSql: [] });
  const rows = 150_000;

  it('Ctrl-C during seeding, then `start` again: the full registry', async () => {
    // On a server of your own `start` leaves the default rule set a draft: activate it first.
    await installActiveLane(t.db);
    const first = startCli(['start', '--rows', String(rows)], { DATABASE_URL: t.db.connectionString });
    await expect
      .poll(async () => {
        const { rows: exists } = await t.db.pool.query<{ present: boolean }>(
          "select to_regclass('birth_lane.demo_seed') is not null as present",
        );
        if (!exists[0]!.present) return 0;
        const { rows: seeded } = await t.db.pool.query<{ n: string }>(
          'select seeded_through::text as n from birth_lane.demo_seed',
        );
        return Number(seeded[0]?.n ?? 0);
      }, POLL)
      .toBeGreaterThan(0);
    const stopped = await first.stop({ signal: 'SIGINT' });
    expect(stopped.code, stopped.stderr).toBe(EXIT_CODES.stopped);
    expect(stopped.stdout).toMatch(/start` again finishes it/);
    const { rows: partial } = await t.db.pool.query<{ n: number }>(
      'select count(*)::int as n from public.birth_registry',
    );
    expect(partial[0]!.n).toBeLessThan(rows);
    expect(partial[0]!.n % 50_000).toBe(0);

    const second = await runCli(
      ['start', '--rows', '7'],
      { DATABASE_URL: t.db.connectionString },
      { timeoutMs: 180_000 },
    );
    expect(second.code, second.stderr).toBe(EXIT_CODES.completed);
    expect(second.stdout).toMatch(/resuming an interrupted seeding/);
    const { rows: full } = await t.db.pool.query<{ n: number; max: string }>(
      'select count(*)::int as n, max(id)::text as max from public.birth_registry',
    );
    expect(full[0]).toEqual({ n: rows, max: String(rows) });
  }, 240_000);

  it('two `start`s at once take turns on an advisory lock and both end cleanly', async () => {
    const env = { DATABASE_URL: t.db.connectionString };
    const [a, b] = await Promise.all([
      runCli(['start', '--json'], env, { timeoutMs: 180_000 }),
      runCli(['start', '--json'], env, { timeoutMs: 180_000 }),
    ]);
    expect(a.code, a.stderr).toBe(EXIT_CODES.completed);
    expect(b.code, b.stderr).toBe(EXIT_CODES.completed);
    expect(JSON.parse(a.stdout).report.outcome).toBe('completed');
    expect(JSON.parse(b.stdout).report.outcome).toBe('completed');
  }, 240_000);
});

describe('the embedded database belongs to the lane', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'birth-lane-cli-'));
  const env: Record<string, string> = {
    BIRTH_LANE_DATA_DIR: dataDir,
    BIRTH_LANE_HTTP_TOKEN: randomBytes(16).toString('hex'),
  };
  beforeAll(async () => {
    env['BIRTH_LANE_EMBEDDED_PORT'] = String(await freePort());
  });
  afterAll(async () => {
    await runCli(['db', 'stop'], env);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('two commands started together on a new data directory create it once and both end cleanly', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'birth-lane-cli-race-'));
    const raceEnv = {
      ...env,
      BIRTH_LANE_DATA_DIR: fresh,
      BIRTH_LANE_EMBEDDED_PORT: String(await freePort()),
    };
    try {
      // Without the initdb lock one of them fails: initdb finds the other's half-made folder.
      const results = await Promise.all([
        runCli(['install'], raceEnv, { timeoutMs: 120_000 }),
        runCli(['install'], raceEnv, { timeoutMs: 120_000 }),
      ]);
      for (const result of results) expect(result.code, result.stderr).toBe(0);
    } finally {
      await runCli(['db', 'stop'], raceEnv);
      rmSync(fresh, { recursive: true, force: true });
    }
  }, 240_000);

  it('a background `serve` holds it, a second command joins it, `kill` stops both', async () => {
    const installed = await runCli(['install', 'apply', '--all', '--demo-approvals'], env, {
      timeoutMs: 120_000,
    });
    expect(installed.code, installed.stderr).toBe(0);
    const down = await runCli(['db', 'status', '--json'], env);
    expect(JSON.parse(down.stdout).running).toBe(false);

    const serve = startCli(['serve', '--port', '0'], env);
    await serve.waitFor(({ stdout }) => stdout.includes('channel standing'), 60_000);
    const status = await runCli(['status', '--json'], env);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout).registry.total).toBe(0);
    // The second command ended; the server stays up for serve.
    const up = JSON.parse((await runCli(['db', 'status', '--json'], env)).stdout);
    expect(up.running).toBe(true);
    expect(up.users).toEqual([serve.child.pid]);
    const url = (await runCli(['db', 'url'], env)).stdout.trim();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    expect((await client.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
    await client.end();

    const stopped = await serve.stop({ signal: 'SIGTERM' });
    expect(stopped.code, stopped.stderr).toBe(0);
    const after = JSON.parse((await runCli(['db', 'status', '--json'], env)).stdout);
    expect(after.running).toBe(false);
  }, 240_000);

  it('`db start` keeps it up after commands end; SIGINT and SIGTERM on `run` leave it running and consistent', async () => {
    const kept = await runCli(['db', 'start', '--json'], env, { timeoutMs: 60_000 });
    expect(kept.code, kept.stderr).toBe(0);
    const state = JSON.parse(kept.stdout);
    expect(state).toMatchObject({ running: true, keptUp: true });
    const url = (await runCli(['db', 'url'], env)).stdout.trim();
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    try {
      const installed = await installLane(pool);
      if (!installed.ruleSet.active) await activateWithDemoApprovals(pool, url, installed.ruleSet.version);
      await seedRegistry(pool, 100_000);
      const stamped = async () =>
        (await pool.query<{ n: number }>('select count(inspect_pen)::int as n from public.birth_registry'))
          .rows[0]!.n;
      for (const signal of ['SIGINT', 'SIGTERM'] as const) {
        // The seed holds stamped rows already: signal once the run has stamped some of its own.
        const before = await stamped();
        const run = startCli(['run', '--json', '--batch-size', '200'], {
          ...env,
          BIRTH_LANE_CONCURRENCY: '1',
        });
        await expect.poll(stamped, POLL).toBeGreaterThan(before);
        const result = await run.stop({ signal });
        expect(result.code, `${signal}: ${result.signal} ${result.stdout} ${result.stderr}`).toBe(
          EXIT_CODES.stopped,
        );
        const report = JSON.parse(result.stdout) as { runId: string };
        const { rows } = await pool.query(
          "select count(*)::int as n from birth_lane.evidence where kind = 'run_report' and run_id = $1::uuid",
          [report.runId],
        );
        expect(rows).toEqual([{ n: 1 }]);
      }
      expect(JSON.parse((await runCli(['db', 'status', '--json'], env)).stdout).running).toBe(true);
    } finally {
      await pool.end();
    }
  }, 240_000);
});
