import { connect, createServer, type Socket } from 'node:net';
import { countingRunner } from '@birth-lane/contract/testing';
import { useTestDatabase } from '@birth-lane/test-kit';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpChannel } from '../src/index.js';
import { auth, contractSetupSql, finishedRun, newChannel, sample } from './channel-fixture.js';

const t = useTestDatabase({ setupSql: contractSetupSql, name: 'http-metrics' });

async function scrape(base: string): Promise<{ response: Response; text: string }> {
  const response = await fetch(`${base}/metrics`, { headers: auth });
  return { response, text: await response.text() };
}

describe('GET /metrics (prom-client)', () => {
  let channel: HttpChannel;
  let base: string;

  beforeAll(async () => {
    await t.db.pool.query(
      `insert into public.birth_registry (entity_code, collection_name, dot_origin, governance_role)
       values ('ENT-001', 'fauna', 'dot://a', 'governed'), ('ENT-002', 'fauna', 'dot://a', 'governed'),
              ('ENT-003', 'fauna', 'dot://a', 'observed')`,
    );
    channel = newChannel(t);
    await channel.start(countingRunner());
    base = channel.url;
  });
  afterAll(async () => {
    await channel?.stop();
  });

  it('serves the Prometheus text format with the backlog read from the database', async () => {
    const { response, text } = await scrape(base);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(text).toMatch(/^# TYPE birth_lane_runs_total counter$/m);
    expect(text).toMatch(/^# TYPE birth_lane_backlog_rows gauge$/m);
    expect(text).toMatch(/^# TYPE birth_lane_run_duration_seconds histogram$/m);
    // Two governed rows are uncertified; the observed one is out of scope.
    expect(sample(text, 'birth_lane_backlog_rows')).toBe('2');
    expect(sample(text, 'birth_lane_database_up')).toBe('1');
    expect(sample(text, 'birth_lane_run_in_progress')).toBe('0');
    expect(text).not.toMatch(/^birth_lane_last_run_timestamp_seconds /m);
  });

  it('counts a finished run: the duration histogram count rises, under its outcome', async () => {
    const before = await scrape(base);
    const countBefore = Number(
      sample(before.text, 'birth_lane_run_duration_seconds_count{outcome="completed"}'),
    );
    const accepted = await fetch(`${base}/runs`, { method: 'POST', headers: auth });
    await finishedRun(base, ((await accepted.json()) as { runId: string }).runId);

    const { text } = await scrape(base);
    expect(Number(sample(text, 'birth_lane_run_duration_seconds_count{outcome="completed"}'))).toBe(
      countBefore + 1,
    );
    expect(sample(text, 'birth_lane_run_duration_seconds_bucket{le="+Inf",outcome="completed"}')).toBe(
      String(countBefore + 1),
    );
    expect(sample(text, 'birth_lane_run_duration_seconds_count{outcome="failed"}')).toBe('0');
    expect(Number(sample(text, 'birth_lane_runs_total{outcome="completed"}'))).toBe(countBefore + 1);
    expect(Number(sample(text, 'birth_lane_last_run_timestamp_seconds'))).toBeGreaterThan(
      Date.now() / 1000 - 60,
    );
  });
});

describe('GET /metrics and /healthz when the database goes away', () => {
  it('answers /healthz 503 and /metrics with birth_lane_database_up 0 and no backlog sample', async () => {
    const proxy = await tcpProxy(t.db.connectionString);
    const pool = new pg.Pool({ connectionString: proxy.connectionString, connectionTimeoutMillis: 1000 });
    pool.on('error', () => undefined);
    const channel = newChannel(t, { databaseTimeoutMs: 1000 }, { db: pool });
    await channel.start(countingRunner());
    try {
      expect((await fetch(`${channel.url}/healthz`)).status).toBe(200);
      await proxy.cut();
      const health = await fetch(`${channel.url}/healthz`);
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({ status: 'unavailable', database: 'unreachable' });
      const { response, text } = await scrape(channel.url);
      expect(response.status).toBe(200);
      expect(sample(text, 'birth_lane_database_up')).toBe('0');
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
