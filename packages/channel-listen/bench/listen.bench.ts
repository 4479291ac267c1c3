/**
 * `pnpm bench:listen`: the listen channel as the app runs it (`birth-lane listen` from this
 * repository, a real child process, with the real producer) under a steady stream of births, as
 * minted births would arrive: small transactions at a fixed pace. Measures, per birth, the time
 * from its insert's COMMIT to `certified = true`. Not part of the tests. Uses DATABASE_URL if set
 * (a superuser: the bench creates a scratch database and demo logins there), else an embedded
 * PostgreSQL. Prints a human table and a last JSON line.
 *
 *   BENCH_SECONDS=60 BENCH_RATE=200 pnpm bench:listen
 *   BENCH_COALESCE_MS=100 pnpm bench:listen   # the listener's --coalesce-ms (default 5): fewer runs, later
 *
 * How latency is measured (client side, one clock): a birth's clock starts when its INSERT's
 * transaction has committed (the autocommit INSERT resolved); it stops at the first poll that
 * sees `certified = true`. The poller asks every POLL_MS for all outstanding births at once, so
 * each figure is an upper bound, at most one poll interval plus one poll query late. The
 * server's own view (certified_at, the start of the certifying batch transaction, minus the
 * insert's clock_timestamp()) is printed as a lower bound next to it.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { LANE_SESSION_OPTIONS } from '@birth-lane/contract';
import { approveWithDemoLogins } from '@birth-lane/contract/demo-approvers';
import { printBenchReport } from '@birth-lane/test-kit/bench-report';
import { startTestServer } from '@birth-lane/test-kit/server';
import pg from 'pg';

const seconds = wholeNumber('BENCH_SECONDS', 60, 1, 3600);
const rate = wholeNumber('BENCH_RATE', 200, 20, 20_000);
const coalesceMs = wholeNumber('BENCH_COALESCE_MS', 5, 1, 10_000);
/** The repository's `./birth-lane`, as a user runs it: it execs node itself, so signals reach the CLI. */
const BIRTH_LANE = fileURLToPath(new URL('../../../birth-lane', import.meta.url));
// The lane's hardening on the bench's own sessions too.
const SESSION_OPTIONS = LANE_SESSION_OPTIONS;
const TICK_MS = 50;
const POLL_MS = 5;
const DRAIN_TIMEOUT_MS = 30_000;
const perTick = Math.max(1, Math.round((rate * TICK_MS) / 1000));

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

const server = await startTestServer();
const databaseName = `birth_lane_bench_listen_${Date.now()}`;
const admin = new pg.Client({ connectionString: server.url, options: SESSION_OPTIONS });
await admin.connect();
await admin.query(`create database ${databaseName}`);
const url = new URL(server.url);
url.pathname = `/${databaseName}`;
const databaseUrl = url.toString();
const pool = new pg.Pool({ connectionString: databaseUrl, max: 6, options: SESSION_OPTIONS });
// An idle session cut off while the scratch database is dropped must not end the bench.
pool.on('error', (error) => log(`an idle session ended: ${error.message}`));
let child: ChildProcess | null = null;

try {
  log(`PostgreSQL from ${server.source}; database ${databaseName}`);
  await installActiveLane(pool, databaseUrl);
  // A few births from before the listener stood, so its catch-up has something to do.
  const beforeListener = await insertBirths(pool, 0, 100);

  const listener = startListener(databaseUrl);
  child = listener.child;
  await listener.caughtUp;
  log(`listener standing and caught up; ${rate} births/s (${perTick} per ${TICK_MS} ms) for ${seconds} s`);

  const committedAt = new Map<string, number>();
  const insertedAtServer = new Map<string, Date>();
  const latencies: number[] = [];
  let lastSeen = 0;

  // The poller: one session, every POLL_MS, asks which outstanding births are certified.
  const poller = new pg.Client({ connectionString: databaseUrl, options: SESSION_OPTIONS });
  await poller.connect();
  let generating = true;
  const generationStart = performance.now();
  let generationEnd = generationStart + seconds * 1000;
  const polling = (async () => {
    const drainDeadline = () => performance.now() > generationEnd + DRAIN_TIMEOUT_MS;
    while (generating || (committedAt.size > 0 && !drainDeadline())) {
      const began = performance.now();
      if (committedAt.size > 0) {
        const { rows } = await poller.query<{ id: string }>(
          'select id::text from public.birth_registry where id = any($1::bigint[]) and certified',
          [[...committedAt.keys()]],
        );
        const seenAt = performance.now();
        for (const { id } of rows) {
          latencies.push(seenAt - committedAt.get(id)!);
          committedAt.delete(id);
          lastSeen = seenAt;
        }
      }
      await sleep(POLL_MS - (performance.now() - began));
    }
  })();

  // The generator: a transaction of `perTick` births every TICK_MS, on a fixed schedule (a slow
  // insert does not delay the next one), as births minted by live source triggers would arrive.
  const inserts: Promise<void>[] = [];
  let code = 1_000_000;
  for (let tick = 0; ; tick += 1) {
    const due = generationStart + tick * TICK_MS;
    if (due >= generationEnd) break;
    await sleep(due - performance.now());
    const first = code;
    code += perTick;
    inserts.push(
      insertBirths(pool, first, perTick).then((rows) => {
        const now = performance.now();
        for (const row of rows) {
          committedAt.set(row.id, now);
          insertedAtServer.set(row.id, row.inserted_at);
        }
      }),
    );
    if (tick % Math.round(10_000 / TICK_MS) === 0 && tick > 0)
      log(
        `${Math.round((performance.now() - generationStart) / 1000)} s: ${insertedAtServer.size} births, ${latencies.length} certified`,
      );
  }
  await Promise.all(inserts);
  generationEnd = performance.now();
  generating = false;
  await polling;
  await poller.end();
  const births = insertedAtServer.size;
  log(`generated ${births} births; ${latencies.length} certified; ${committedAt.size} still outstanding`);

  const stopped = listener.stop();
  const exitCode = await stopped;
  child = null;

  const { rows: serverSide } = await pool.query<{ id: string; certified_at: Date | null }>(
    'select id::text, certified_at from public.birth_registry where id = any($1::bigint[])',
    [[...insertedAtServer.keys()]],
  );
  const serverLatencies = serverSide
    .filter((row) => row.certified_at !== null)
    .map((row) => row.certified_at!.getTime() - insertedAtServer.get(row.id)!.getTime());
  const benchBirths = [...beforeListener.map((row) => row.id), ...insertedAtServer.keys()];
  const { rows: facts } = await pool.query<{ runs: number; version: string; uncertified: number }>(
    `select (select count(*)::int from birth_lane.evidence
              where kind = 'run_report' and payload->'report'->>'channel' = 'listen') as runs,
            (select count(*)::int from public.birth_registry
              where id = any($1::bigint[]) and not certified) as uncertified,
            current_setting('server_version') as version`,
    [benchBirths],
  );
  const sorted = [...latencies].sort((a, b) => a - b);
  const sortedServer = [...serverLatencies].sort((a, b) => a - b);
  const sustainedSeconds = (lastSeen - generationStart) / 1000;

  printBenchReport('birth-lane listen: commit → certified under a steady stream of births', {
    births,
    certified: latencies.length,
    uncertifiedAfter: facts[0]!.uncertified,
    seconds: round((generationEnd - generationStart) / 1000),
    offeredPerSecond: rate,
    coalesceMs,
    birthsPerSecond: round(latencies.length / sustainedSeconds),
    latencyP50Ms: round(percentile(sorted, 0.5)),
    latencyP95Ms: round(percentile(sorted, 0.95)),
    latencyP99Ms: round(percentile(sorted, 0.99)),
    latencyMaxMs: round(sorted.at(-1) ?? Number.NaN),
    latencyMeasure: `client: insert COMMIT returned → first poll (every ${POLL_MS} ms) seeing certified; upper bound`,
    serverLatencyP50Ms: round(percentile(sortedServer, 0.5)),
    serverLatencyP99Ms: round(percentile(sortedServer, 0.99)),
    serverLatencyMeasure:
      'server: certified_at (start of the certifying batch) − insert clock_timestamp(); lower bound',
    runs: facts[0]!.runs,
    birthsPerRun: round(births / Math.max(1, facts[0]!.runs)),
    listenerExitCode: exitCode,
    postgres: facts[0]!.version,
    server: server.source,
  });
  if (facts[0]!.uncertified > 0 || exitCode !== 0) process.exitCode = 1;
} finally {
  child?.kill('SIGKILL');
  await pool.end();
  await admin.query(`drop database if exists ${databaseName} with (force)`);
  await admin.end();
  await server.stop();
}

/**
 * Installs the lane with `birth-lane install` and activates its default rule set the governed way,
 * as `start` does on the embedded server: an approval by short-lived demo logins (a scratch
 * database only), then `birth-lane rules activate` as the owner.
 */
async function installActiveLane(pool: pg.Pool, databaseUrl: string): Promise<void> {
  const env = {
    PATH: process.env['PATH'] ?? '',
    HOME: process.env['HOME'] ?? '/tmp',
    DATABASE_URL: databaseUrl,
  };
  const run = promisify(execFile);
  const { stdout } = await run(BIRTH_LANE, ['install', '--json'], { env });
  const { ruleSet } = JSON.parse(stdout) as { ruleSet: { version: string; hash: string; active: boolean } };
  if (ruleSet.active) return;
  const approvalId = await approveWithDemoLogins(
    pool,
    (login, password) => connectAs(databaseUrl, login, password),
    {
      action: 'rule_set_activation',
      scope: { version: ruleSet.version, hash: ruleSet.hash },
      reason: `bench: activate rule set ${ruleSet.version}`,
    },
  );
  await run(BIRTH_LANE, ['rules', 'activate', ruleSet.version, '--approval', approvalId], { env });
}

/** A session logged in as `login` (the demo logins have passwords). */
async function connectAs(databaseUrl: string, login: string, password: string): Promise<pg.Client> {
  const url = new URL(databaseUrl);
  url.username = encodeURIComponent(login);
  url.password = encodeURIComponent(password);
  const client = new pg.Client({ connectionString: url.toString(), options: SESSION_OPTIONS });
  await client.connect();
  return client;
}

/** Inserts `count` births that pass every default check, in one transaction (autocommit). */
async function insertBirths(db: pg.Pool, first: number, count: number) {
  const { rows } = await db.query<{ id: string; inserted_at: Date }>(
    `insert into public.birth_registry (entity_code, collection_name, species_code, dot_origin, name, description, status)
     select 'ENT-' || lpad(($1::int + i)::text, 9, '0'), 'fauna', 'SP-MAMMAL', 'dot://bench', 'A cat',
            'A small domesticated mammal.', 'active'
       from generate_series(0, $2::int - 1) as i
     returning id::text, clock_timestamp() as inserted_at`,
    [first, count],
  );
  return rows;
}

/** Starts `birth-lane listen` as its own process (as systemd would) and waits for its catch-up. */
function startListener(databaseUrl: string) {
  const listener = spawn(BIRTH_LANE, ['listen', '--coalesce-ms', String(coalesceMs)], {
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '/tmp',
      DATABASE_URL: databaseUrl,
      BIRTH_LANE_LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let buffered = '';
  let caughtUp!: () => void;
  let failed!: (error: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    caughtUp = resolve;
    failed = reject;
  });
  listener.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      const entry = JSON.parse(line) as { msg: string; level: number };
      if (entry.msg === 'catch-up run finished') caughtUp();
      if (entry.level >= 40 || entry.msg.includes('summary')) log(`listener: ${line}`);
    }
  });
  listener.stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  const exited = new Promise<number | null>((resolve) => listener.on('close', resolve));
  void exited.then((code) => failed(new Error(`the listener exited early with code ${code}`)));
  const timer = setTimeout(() => failed(new Error('the listener did not catch up within 60 s')), 60_000);
  return {
    child: listener,
    caughtUp: ready.finally(() => clearTimeout(timer)),
    async stop(): Promise<number | null> {
      listener.kill('SIGTERM');
      return exited;
    },
  };
}

function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]!;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function wholeNumber(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^[0-9]+$/.test(raw) || Number(raw) < min || Number(raw) > max)
    throw new Error(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return Number(raw);
}
