/**
 * `pnpm bench:console`: how fast each page of the operator console answers on the benchmark
 * registry. Not part of the tests. Uses DATABASE_URL if set, else an embedded PostgreSQL. Seeds
 * the registry (the field's 1,212,959 rows by default), runs the producer over it once (so there
 * is a run with its failures), serves the console on a real http channel, signs in as a reader
 * and approver login, and requests each page BENCH_REQUESTS times (default 20). Prints a table of
 * p50/p95/max per page, then a last JSON line.
 *
 *   BENCH_ROWS=200000 BENCH_REQUESTS=20 pnpm bench:console
 *
 * The overview's registry-wide counts (one scan) are read in the background, never by a request:
 * its first request (`overview.firstMs`) answers "Counting…" until the first reading is taken, and
 * the timed overview requests show "Counting…" or the kept reading, whichever stands then.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createHttpChannel } from '@birth-lane/channel-http';
import {
  installSteps,
  LANE_SESSION_OPTIONS,
  PostgresApprovalGate,
  quoteIdentifier,
  quoteLiteral,
  silentLogger,
} from '@birth-lane/contract';
import { defaultRuleSet, saveRuleSet } from '@birth-lane/inspect-producer';
import { printBenchReport } from '@birth-lane/test-kit/bench-report';
import { startTestServer } from '@birth-lane/test-kit/server';
import pg from 'pg';
import { commandHost } from '../src/command-host.js';
import { loadConfig } from '../src/config.js';
import { consolePlugins } from '../src/console/console-plugins.js';
import { activateWithDemoApprovals } from '../src/lane/demo-activation.js';
import { laneSteps } from '../src/lane/lane-steps.js';
import { FIELD_ROWS, seedRegistry } from '../src/seed/seed-registry.js';

const rows = wholeNumberFromEnv('BENCH_ROWS', FIELD_ROWS, 1000);
const requests = wholeNumberFromEnv('BENCH_REQUESTS', 20, 5);
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const BIRTH_LANE = fileURLToPath(new URL('../../../birth-lane', import.meta.url));

const server = await startTestServer();
const name = `birth_lane_bench_console_${Date.now()}`;
const admin = new pg.Client({ connectionString: server.url });
await admin.connect();
const url = new URL(server.url);
url.pathname = `/${name}`;
const databaseUrl = url.toString();
const suffix = randomBytes(4).toString('hex');
const login = `bench_console_${suffix}`;
const password = randomBytes(18).toString('hex');
let pool: pg.Pool | null = null;

try {
  log(`PostgreSQL from ${server.source}; ${rows.toLocaleString('en')} rows`);
  await admin.query(`create database ${name}`);
  pool = new pg.Pool({ connectionString: databaseUrl, max: 6, options: LANE_SESSION_OPTIONS });
  pool.on('error', (error) => log(`an idle session ended: ${error.message}`));
  await installSteps(pool, laneSteps);
  await saveRuleSet(pool, defaultRuleSet);
  await activateWithDemoApprovals(pool, databaseUrl, defaultRuleSet.version);
  await seedRegistry(pool, rows, (done) => log(`seeded ${done.toLocaleString('en')} rows`));
  await pool.query('vacuum analyze public.birth_registry');
  log('producer run over the registry (the run the pages show)…');
  const began = performance.now();
  const output = execFileSync(BIRTH_LANE, ['run', '--json'], {
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', DATABASE_URL: databaseUrl },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const runId = (JSON.parse(output.trim().split('\n').pop()!) as { runId: string }).runId;
  log(`run ${runId} in ${((performance.now() - began) / 1000).toFixed(1)} s`);
  await pool.query('vacuum analyze birth_lane.evidence');

  await admin.query(`create role ${quoteIdentifier(login)} login password ${quoteLiteral(password)}`);
  await pool.query(`grant birth_lane_reader, birth_lane_governance to ${quoteIdentifier(login)}`);
  const failures = await pool.query<{ n: number; check_id: string }>(
    `select count(*)::int as n, check_id from birth_lane.evidence
      where run_id = $1::uuid and kind = 'inspection_failure' group by check_id order by 1 desc`,
    [runId],
  );
  const topCheck = failures.rows[0]?.check_id ?? 'none';
  const loginPool = new pg.Pool({ connectionString: urlAs(login, password), max: 1 });
  await new PostgresApprovalGate(loginPool).propose({
    action: 'gate_flip',
    scope: { mode: 'block', bench: suffix },
    risk: 'high',
    reason: 'console bench: an open request on the approvals page',
  });
  await loginPool.end();

  const probe = new pg.Client({ connectionString: urlAs(login, 'not-the-password') });
  const trust = await probe.connect().then(
    () => true,
    () => false,
  );
  await probe.end().catch(() => undefined);
  // A page deep in the run's failures: the keyset page after the middle one.
  const middle = await pool.query<{ id: string }>(
    `select id::text as id from birth_lane.evidence
      where run_id = $1::uuid and kind = 'inspection_failure' order by id offset $2::int limit 1`,
    [runId, Math.floor((failures.rows.reduce((sum, row) => sum + row.n, 0) || 2) / 2)],
  );
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    BIRTH_LANE_HTTP_TOKEN: 'bench-console-token-0123456789',
    ...(trust ? { BIRTH_LANE_CONSOLE_ALLOW_TRUST: '1' } : {}),
    BIRTH_LANE_CONSOLE_OVERVIEW_TTL_S: '3600',
  });
  const plugins = (await consolePlugins(
    config,
    {
      pool,
      url: databaseUrl,
      sessionOptions: LANE_SESSION_OPTIONS,
      source: 'bench',
      close: async () => undefined,
    },
    silentLogger,
  )) as never[];
  const channel = createHttpChannel(
    { port: 0, host: '127.0.0.1', token: 'bench-console-token-0123456789' },
    { db: pool, logger: silentLogger, plugins },
  );
  await channel.start(await commandHost.createProducer(pool));
  try {
    const cookie = await signIn(channel.url);
    const pages: Record<string, string> = {
      overview: '/console/',
      runs: '/console/runs',
      run: `/console/runs/${runId}`,
      runCheck: `/console/runs/${runId}?check=${encodeURIComponent(topCheck)}`,
      runDeepPage: `/console/runs/${runId}?after=${middle.rows[0]?.id ?? '0'}`,
      failures24h: '/console/failures?window=24h',
      failuresCheck: `/console/failures?window=24h&check=${encodeURIComponent(topCheck)}`,
      approvals: '/console/approvals',
      pilots: '/console/pilots',
    };
    const figures: Record<string, string | number> = {};
    const overviewFirst = await timed(channel.url, pages['overview']!, cookie);
    figures['overview.firstMs'] = round(overviewFirst);
    for (const [page, path] of Object.entries(pages)) {
      const times: number[] = [];
      for (let index = 0; index < requests; index += 1) times.push(await timed(channel.url, path, cookie));
      times.sort((a, b) => a - b);
      figures[`${page}.p50Ms`] = round(percentile(times, 0.5));
      figures[`${page}.p95Ms`] = round(percentile(times, 0.95));
      figures[`${page}.maxMs`] = round(times[times.length - 1]!);
      log(`${page}: p95 ${percentile(times, 0.95).toFixed(1)} ms`);
    }
    const csvBegan = performance.now();
    const csv = await fetch(`${channel.url}/console/runs/${runId}/failures.csv`, { headers: { cookie } });
    const csvLines = (await csv.text()).split('\r\n').length - 2;
    figures['csv.rows'] = csvLines;
    figures['csv.ms'] = round(performance.now() - csvBegan);
    const { rows: evidence } = await pool.query<{ n: number }>(
      'select count(*)::int as n from birth_lane.evidence',
    );
    printBenchReport('birth-lane console: ms per page (sequential requests, one signed-in login)', {
      rows,
      evidenceRows: evidence[0]!.n,
      runFailures: csvLines,
      requestsPerPage: requests,
      ...figures,
      trustAuthentication: String(trust),
      server: server.source,
    });
  } finally {
    await channel.stop();
  }
} finally {
  await pool?.end();
  await admin.query(`drop database if exists ${name} with (force)`).catch(() => undefined);
  await admin.query(`drop role if exists ${quoteIdentifier(login)}`).catch(() => undefined);
  await admin.end();
  await server.stop();
}

function urlAs(user: string, secret: string): string {
  const target = new URL(databaseUrl);
  target.username = user;
  target.password = secret;
  return target.toString();
}

async function signIn(base: string): Promise<string> {
  const form = await fetch(`${base}/console/login`);
  const loginCookie = form.headers.getSetCookie()[0]!.split(';')[0]!;
  const csrf = /name="csrf" value="([0-9a-f]+)"/.exec(await form.text())![1]!;
  const response = await fetch(`${base}/console/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: loginCookie },
    body: new URLSearchParams({ login, password, csrf }),
  });
  const session = response.headers.getSetCookie().find((line) => line.startsWith('bl_console_session='));
  if (!session) throw new Error(`sign-in failed: ${response.status} ${await response.text()}`);
  return session.split(';')[0]!;
}

async function timed(base: string, path: string, cookie: string): Promise<number> {
  const began = performance.now();
  const response = await fetch(`${base}${path}`, { headers: { cookie } });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
  return performance.now() - began;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

function wholeNumberFromEnv(variable: string, fallback: number, minimum: number): number {
  const raw = process.env[variable];
  if (raw === undefined || raw === '') return fallback;
  if (!/^[0-9]+$/.test(raw) || Number(raw) < minimum) {
    throw new Error(`${variable} must be a whole number of at least ${minimum}, got "${raw}"`);
  }
  return Number(raw);
}
