import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { connect, createServer, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { ProducerRunner, ProducerRunOptions, RunReport } from '@birth-lane/contract';
import { EXIT_CODES } from '@birth-lane/contract';
import { countingRunner, describeProducerChannelConformance } from '@birth-lane/contract/testing';
import { createProducer } from '@birth-lane/inspect-producer';
import { useTestDatabase } from '@birth-lane/test-kit';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpChannel } from '../src/channels/http-channel.js';
import { createLogger } from '../src/logging/logger.js';
import { activeLaneTemplate } from './active-lane-template.js';
import { runCli } from './run-cli.js';

const TOKEN = 'http-test-token-0123456789';
const log = createLogger({ BIRTH_LANE_LOG_LEVEL: 'silent' });
const t = useTestDatabase({ template: activeLaneTemplate });

const auth = { authorization: `Bearer ${TOKEN}` };
const jsonAuth = { ...auth, 'content-type': 'application/json' };

function newChannel(): HttpChannel {
  return new HttpChannel({
    port: 0,
    host: '127.0.0.1',
    token: TOKEN,
    db: t.db.pool,
    log,
    heartbeatIntervalMs: 200,
  });
}

async function seed(rows: readonly [code: string, description: string | null][]): Promise<string[]> {
  const ids: string[] = [];
  for (const [code, description] of rows) {
    const { rows: inserted } = await t.db.pool.query<{ id: string }>(
      `insert into public.birth_registry (entity_code, collection_name, species_code, dot_origin, name, description, status)
       values ($1::text, 'fauna', 'SP-MAMMAL', 'dot://a', 'A cat', $2::text, 'active') returning id::text`,
      [code, description],
    );
    ids.push(inserted[0]!.id);
  }
  return ids;
}

/** Polls `GET /runs/:id` until the run is no longer running (bounded). */
async function waitForRun(base: string, id: string, timeoutMs = 20_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${base}/runs/${id}`, { headers: auth });
    expect(response.status).toBe(200);
    const run = (await response.json()) as Record<string, unknown>;
    if (run['status'] !== 'running') return run;
    if (Date.now() > deadline) throw new Error(`run ${id} still running after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function evidenceRunReports(): Promise<number> {
  const { rows } = await t.db.pool.query<{ n: number }>(
    "select count(*)::int as n from birth_lane.evidence where kind = 'run_report'",
  );
  return rows[0]!.n;
}

async function latestHttpHeartbeat(): Promise<{ state: string; last_run_id: string | null }> {
  const { rows } = await t.db.pool.query<{ state: string; last_run_id: string | null }>(
    `select state, last_run_id::text from birth_lane.producer_heartbeats
      where channel = 'http' order by started_at desc, beat_at desc limit 1`,
  );
  return rows[0]!;
}

describe('the http channel against the real producer', () => {
  let channel: HttpChannel;
  let base: string;
  let ids: string[];

  beforeAll(async () => {
    ids = await seed([
      ['ENT-101', 'A small domesticated mammal.'],
      ['ENT-102', 'Another small domesticated mammal.'],
      ['ENT-103', null],
    ]);
    channel = newChannel();
    await channel.start(createProducer(t.db.pool, { concurrency: 1 }));
    base = channel.url;
  });

  afterAll(async () => {
    await channel.stop();
  });

  it('refuses a missing or wrong token with 401 and WWW-Authenticate, starting nothing', async () => {
    const missing = await fetch(`${base}/runs`, { method: 'POST' });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="birth-lane"');
    expect(await missing.json()).toMatchObject({ error: 'unauthorized' });

    for (const authorization of [`Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(1)}`, TOKEN, `Basic ${TOKEN}`]) {
      const wrong = await fetch(`${base}/runs`, { method: 'POST', headers: { authorization } });
      expect(wrong.status, authorization).toBe(401);
      expect(wrong.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/);
    }
    // Every route but /healthz is guarded, unknown ones too (no route discovery without the token).
    for (const path of ['/metrics', `/runs/${randomUUID()}`, '/nowhere']) {
      expect((await fetch(`${base}${path}`)).status, path).toBe(401);
    }
    expect(await evidenceRunReports()).toBe(0);
  });

  it('answers /healthz without a token', async () => {
    const response = await fetch(`${base}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', database: 'ok' });
    const wrongMethod = await fetch(`${base}/healthz`, { method: 'POST' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET');
  });

  it('answers unknown routes with 404 and wrong methods with 405 and Allow, in JSON', async () => {
    const notFound = await fetch(`${base}/run`, { headers: auth });
    expect(notFound.status).toBe(404);
    expect(notFound.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await notFound.json()).toMatchObject({ error: 'not_found' });

    const cases = [
      ['GET', '/runs', 'POST'],
      ['DELETE', `/runs/${randomUUID()}`, 'GET'],
      ['POST', '/metrics', 'GET'],
    ] as const;
    for (const [method, path, allow] of cases) {
      const response = await fetch(`${base}${path}`, { method, headers: auth });
      expect(response.status, `${method} ${path}`).toBe(405);
      expect(response.headers.get('allow')).toBe(allow);
      expect(await response.json()).toMatchObject({ error: 'method_not_allowed' });
    }
  });

  it('refuses a malformed body with 400 listing every problem, and starts no run', async () => {
    const post = async (body: string, headers: Record<string, string> = jsonAuth) => {
      const response = await fetch(`${base}/runs`, { method: 'POST', headers, body });
      const answer = (await response.json()) as {
        error: string;
        problems: { field: string; rule: string; message: string }[];
      };
      return { status: response.status, ...answer };
    };

    const badJson = await post('{"maxRows": 5,');
    expect(badJson).toMatchObject({
      status: 400,
      error: 'invalid_body',
      problems: [{ field: '(input)', rule: 'json' }],
    });

    const unknownKey = await post('{"rows": 5}');
    expect(unknownKey).toMatchObject({ status: 400, problems: [{ field: '(input)', rule: 'unknown_key' }] });
    expect(unknownKey.problems[0]!.message).toMatch(/rows/);

    const negative = await post('{"maxRows": -3}');
    expect(negative).toMatchObject({ status: 400, problems: [{ field: 'maxRows', rule: 'min' }] });

    const several = await post(
      '{"maxRows": 0, "batchSize": 50001, "idFrom": "9", "idTo": "1", "extra": true}',
    );
    expect(several.status).toBe(400);
    expect(several.problems.map((problem) => `${problem.field}:${problem.rule}`).sort()).toEqual([
      '(input):unknown_key',
      'batchSize:max',
      'idFrom:order',
      'maxRows:min',
    ]);

    const numericId = await post('{"idFrom": 1}');
    expect(numericId).toMatchObject({ status: 400, problems: [{ field: 'idFrom', rule: 'type' }] });

    const wrongType = await post('{"maxRows": 1}', { ...auth, 'content-type': 'text/plain' });
    expect(wrongType).toMatchObject({ status: 400, problems: [{ rule: 'content_type' }] });

    const tooLarge = await fetch(`${base}/runs`, {
      method: 'POST',
      headers: jsonAuth,
      body: JSON.stringify({ maxRows: 1, padding: 'x'.repeat(70 * 1024) }),
    });
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.json()).toMatchObject({ error: 'body_too_large' });

    expect(await evidenceRunReports()).toBe(0);
    const { rows } = await t.db.pool.query(
      'select count(inspect_pen)::int as pen from public.birth_registry',
    );
    expect(rows[0].pen).toBe(0);
  });

  it('GET /runs/:id answers 400 for a malformed id and 404 for an unknown one', async () => {
    const malformed = await fetch(`${base}/runs/not-a-uuid`, { headers: auth });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({
      error: 'invalid_id',
      problems: [{ field: 'id', rule: 'uuid' }],
    });
    const unknown = await fetch(`${base}/runs/${randomUUID()}`, { headers: auth });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: 'run_not_found' });
  });

  it('POST /runs answers 202 with a run to poll; the report shows the rows stamped within the bounds', async () => {
    const bounded = await fetch(`${base}/runs`, {
      method: 'POST',
      headers: jsonAuth,
      body: JSON.stringify({ idFrom: ids[0], idTo: ids[0], batchSize: 100 }),
    });
    expect(bounded.status).toBe(202);
    const accepted = (await bounded.json()) as { runId: string; status: string; links: { self: string } };
    expect(accepted).toEqual({
      runId: expect.any(String),
      status: 'running',
      links: { self: `/runs/${accepted.runId}` },
    });
    expect(bounded.headers.get('location')).toBe(`/runs/${accepted.runId}`);

    const first = await waitForRun(base, accepted.runId);
    expect(first).toMatchObject({
      id: accepted.runId,
      status: 'completed',
      request: { idFrom: ids[0], idTo: ids[0], batchSize: 100 },
      report: { channel: 'http', outcome: 'completed', scanned: 1, passed: { pen: 1, stamp: 1, gate: 1 } },
    });
    const { rows: afterFirst } = await t.db.pool.query<{ entity_code: string; certified: boolean }>(
      'select entity_code, certified from public.birth_registry order by id',
    );
    expect(afterFirst.map((row) => row.certified)).toEqual([true, false, false]);

    // No body at all: the whole backlog.
    const all = await fetch(`${base}/runs`, { method: 'POST', headers: auth });
    expect(all.status).toBe(202);
    const second = await waitForRun(base, ((await all.json()) as { runId: string }).runId);
    expect(second).toMatchObject({
      status: 'completed',
      report: {
        outcome: 'completed',
        scanned: 2,
        passed: { pen: 2, stamp: 1, gate: 1 },
        failed: { pen: 0, stamp: 1, gate: 0 },
      },
    });
    const { rows: stamped } = await t.db.pool.query<{ certified: boolean; inspect_stamp: Date | null }>(
      'select certified, inspect_stamp from public.birth_registry order by id',
    );
    expect(stamped.map((row) => row.certified)).toEqual([true, true, false]);
    expect(stamped[2]!.inspect_stamp).toBeNull();

    // The resource links to the evidence log through the producer's own run id.
    const report = second['report'] as RunReport;
    const { rows: evidence } = await t.db.pool.query(
      "select 1 from birth_lane.evidence where kind = 'run_report' and payload->'report'->>'runId' = $1::text",
      [report.runId],
    );
    expect(evidence).toHaveLength(1);
    expect(await latestHttpHeartbeat()).toEqual({ state: 'idle', last_run_id: report.runId });
  });

  it('GET /metrics serves the counters and the backlog in the Prometheus text format', async () => {
    const response = await fetch(`${base}/metrics`, { headers: auth });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    const sample = (series: string) =>
      text
        .split('\n')
        .find((line) => line.startsWith(`${series} `))
        ?.slice(series.length + 1);
    expect(sample('birth_lane_runs_total{outcome="completed"}')).toBe('2');
    expect(sample('birth_lane_runs_total{outcome="failed"}')).toBe('0');
    expect(sample('birth_lane_rows_scanned_total')).toBe('3');
    expect(sample('birth_lane_stage_passed_total{stage="pen"}')).toBe('3');
    expect(sample('birth_lane_stage_passed_total{stage="gate"}')).toBe('2');
    expect(sample('birth_lane_stage_failed_total{stage="stamp"}')).toBe('1');
    expect(sample('birth_lane_run_in_progress')).toBe('0');
    expect(Number(sample('birth_lane_last_run_timestamp_seconds'))).toBeGreaterThan(Date.now() / 1000 - 60);
    // ENT-103 failed STAMP and stays uncertified: the backlog is one row.
    expect(sample('birth_lane_backlog_rows')).toBe('1');
    expect(sample('birth_lane_database_up')).toBe('1');
    expect(text).toMatch(/^# TYPE birth_lane_backlog_rows gauge$/m);
  });
});

/** A runner that holds its run until the signal aborts, so "a run is in flight" is deterministic. */
function heldRunner(): ProducerRunner & { calls: ProducerRunOptions[]; finishedAt: number | null } {
  const runner = {
    specificationVersion: 'v1' as const,
    calls: [] as ProducerRunOptions[],
    finishedAt: null as number | null,
    async run(options: ProducerRunOptions): Promise<RunReport> {
      runner.calls.push(options);
      const startedAt = new Date();
      await new Promise<void>((resolve) => options.signal?.addEventListener('abort', () => resolve()));
      // The batch in flight takes a moment to end after the abort.
      await new Promise((resolve) => setTimeout(resolve, 150));
      runner.finishedAt = performance.now();
      return {
        runId: randomUUID(),
        ruleSetVersion: '1.0.0',
        ruleSetHash: 'c'.repeat(64),
        channel: options.channel,
        outcome: 'stopped',
        startedAt,
        endedAt: new Date(),
        scanned: 0,
        passed: { pen: 0, stamp: 0, gate: 0 },
        failed: { pen: 0, stamp: 0, gate: 0 },
        skipped: 0,
        ambiguous: 0,
        detail: 'stopped on request',
      };
    },
  };
  return runner;
}

describe('the http channel: one run at a time, graceful stop', () => {
  it('answers 409 with the running link while a run is in flight; stop() aborts it and waits for it', async () => {
    const channel = newChannel();
    const runner = heldRunner();
    await channel.start(runner);
    const base = channel.url;

    const started = await fetch(`${base}/runs`, {
      method: 'POST',
      headers: jsonAuth,
      body: '{"maxRows": 10}',
    });
    expect(started.status).toBe(202);
    const { runId } = (await started.json()) as { runId: string };
    // The run starts in the background, right after the `running` heartbeat is written.
    await expect.poll(() => runner.calls.length).toBe(1);
    expect(runner.calls[0]).toMatchObject({ channel: 'http', maxRows: 10 });

    const busy = await fetch(`${base}/runs`, { method: 'POST', headers: auth });
    expect(busy.status).toBe(409);
    expect(await busy.json()).toMatchObject({
      error: 'run_in_progress',
      running: { id: runId, links: { self: `/runs/${runId}` } },
    });
    expect(runner.calls).toHaveLength(1);

    const running = await fetch(`${base}/runs/${runId}`, { headers: auth });
    expect(await running.json()).toMatchObject({ id: runId, status: 'running' });
    const metrics = await (await fetch(`${base}/metrics`, { headers: auth })).text();
    expect(metrics).toMatch(/^birth_lane_run_in_progress 1$/m);
    await expect.poll(async () => (await latestHttpHeartbeat()).state).toBe('running');

    const stopping = channel.stop();
    // While the run in flight ends, new connections are still accepted and told the truth.
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: 'stopping' });
    expect((await fetch(`${base}/runs`, { method: 'POST', headers: auth })).status).toBe(503);
    await stopping;
    expect(runner.calls[0]!.signal?.aborted).toBe(true);
    // stop() resolved only after the run had ended.
    expect(runner.finishedAt).not.toBeNull();
    expect((await latestHttpHeartbeat()).state).toBe('stopped');
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
    // Stopping twice is harmless.
    await channel.stop();
  });
});

describe('the http channel when the database goes away', () => {
  it('answers /healthz 503 and /metrics with birth_lane_database_up 0', async () => {
    const proxy = await tcpProxy(t.db.connectionString);
    const pool = new pg.Pool({ connectionString: proxy.connectionString, connectionTimeoutMillis: 1000 });
    pool.on('error', () => undefined);
    const channel = new HttpChannel({
      port: 0,
      host: '127.0.0.1',
      token: TOKEN,
      db: pool,
      log,
      databaseTimeoutMs: 1000,
    });
    await channel.start(countingRunner());
    try {
      expect((await fetch(`${channel.url}/healthz`)).status).toBe(200);
      await proxy.cut();
      const health = await fetch(`${channel.url}/healthz`);
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({ status: 'unavailable', database: 'unreachable' });
      const metrics = await fetch(`${channel.url}/metrics`, { headers: auth });
      expect(metrics.status).toBe(200);
      const text = await metrics.text();
      expect(text).toMatch(/^birth_lane_database_up 0$/m);
      expect(text).not.toMatch(/^birth_lane_backlog_rows /m);
    } finally {
      await channel.stop();
      await pool.end();
    }
  });
});

/** A TCP proxy to the test server that can be cut: the database "goes away" for real. */
async function tcpProxy(
  connectionString: string,
): Promise<{ connectionString: string; cut(): Promise<void> }> {
  const target = new URL(connectionString);
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect({ host: target.hostname, port: Number(target.port || 5432) });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxied = new URL(connectionString);
  proxied.hostname = '127.0.0.1';
  proxied.port = String((server.address() as { port: number }).port);
  return {
    connectionString: proxied.toString(),
    cut: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

describeProducerChannelConformance('HttpChannel', () => newChannel(), {
  provokeRun: async (channel) => {
    const response = await fetch(`${(channel as HttpChannel).url}/runs`, {
      method: 'POST',
      headers: jsonAuth,
      body: '{}',
    });
    expect(response.status).toBe(202);
  },
});

describe('birth-lane serve (the CLI)', () => {
  it('refuses to start without BIRTH_LANE_HTTP_TOKEN, or with a short one, exiting 64', async () => {
    const missing = await runCli(['serve', '--port', '0'], { DATABASE_URL: t.db.connectionString });
    expect(missing.code).toBe(EXIT_CODES.usage);
    expect(missing.stderr).toMatch(/BIRTH_LANE_HTTP_TOKEN.*required/);

    const short = await runCli(['serve', '--port', '0'], {
      DATABASE_URL: t.db.connectionString,
      BIRTH_LANE_HTTP_TOKEN: 'too-short',
    });
    expect(short.code).toBe(EXIT_CODES.usage);
    expect(short.stderr).toMatch(/BIRTH_LANE_HTTP_TOKEN.*16 characters/);

    const badPort = await runCli(['serve', '--port', '70000'], {
      DATABASE_URL: t.db.connectionString,
      BIRTH_LANE_HTTP_TOKEN: TOKEN,
    });
    expect(badPort.code).toBe(EXIT_CODES.usage);
    expect(badPort.stderr).toMatch(/--port/);
  });

  it('serves a run end to end and exits 0 on SIGTERM, recording the stopped heartbeat', async () => {
    await seed([['ENT-201', 'A mammal seen by the CLI.']]);
    const server = await startServe({ DATABASE_URL: t.db.connectionString, BIRTH_LANE_HTTP_TOKEN: TOKEN });
    try {
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      const started = await fetch(`${server.url}/runs`, { method: 'POST', headers: auth });
      expect(started.status).toBe(202);
      const run = await waitForRun(server.url, ((await started.json()) as { runId: string }).runId);
      // ENT-103 (failed STAMP earlier) is uncertified, so it is inspected again alongside ENT-201.
      expect(run).toMatchObject({ status: 'completed', report: { channel: 'http', scanned: 2 } });
      const { rows } = await t.db.pool.query(
        "select certified from public.birth_registry where entity_code = 'ENT-201'",
      );
      expect(rows[0].certified).toBe(true);
      expect(server.output()).not.toContain(TOKEN);
      expect(server.output()).toMatch(/"method":"POST","path":"\/runs","status":202/);
    } finally {
      server.child.kill('SIGTERM');
    }
    expect(await server.exited).toBe(0);
    expect((await latestHttpHeartbeat()).state).toBe('stopped');
  });
});

/** Starts `birth-lane serve --port 0` and resolves once it logs the address it listens on. */
async function startServe(env: Record<string, string>): Promise<{
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
  output(): string;
}> {
  const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
  const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));
  const child = spawn(tsx, ['--conditions=@birth-lane/source', cli, 'serve', '--port', '0'], {
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve(code);
    }),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk;
      const listening = /"url":"(http:\/\/[^"]+)"[^\n]*"msg":"http channel listening"/.exec(output);
      if (listening) resolve(listening[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk;
    });
    void exited.then((code) => reject(new Error(`serve exited with ${code} before listening:\n${output}`)));
  });
  return { child, url, exited, output: () => output };
}
