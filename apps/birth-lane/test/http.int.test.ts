import { EXIT_CODES } from '@birth-lane/contract';
import { useTestDatabase } from '@birth-lane/test-kit';
import { describe, expect, it } from 'vitest';
import { activeLaneTemplate } from './active-lane-template.js';
import { runCli, startCli } from './run-cli.js';

/**
 * The http channel through the `birth-lane` binary: the app composes the package's command with
 * its own settings, database, producer and logs. The channel's own behaviour (every route, status
 * and metric, the stop) is tested in packages/channel-http.
 */
const TOKEN = 'http-test-token-0123456789';
const t = useTestDatabase({ template: activeLaneTemplate });
const auth = { authorization: `Bearer ${TOKEN}` };

async function latestHttpHeartbeat(): Promise<string | undefined> {
  const { rows } = await t.db.pool.query<{ state: string }>(
    `select state from birth_lane.producer_heartbeats
      where channel = 'http' order by started_at desc, beat_at desc limit 1`,
  );
  return rows[0]?.state;
}

const sample = (text: string, series: string) =>
  text
    .split('\n')
    .find((line) => line.startsWith(`${series} `))
    ?.slice(series.length + 1);

describe('birth-lane serve', () => {
  it('refuses to start without BIRTH_LANE_HTTP_TOKEN, with a short one, or on a bad port, exiting 64', async () => {
    const missing = await runCli(['serve', '--port', '0'], { DATABASE_URL: t.db.connectionString });
    expect(missing.code).toBe(EXIT_CODES.usage);
    expect(missing.stderr).toMatch(/BIRTH_LANE_HTTP_TOKEN.*required/);

    const short = await runCli(['serve', '--port', '0'], {
      DATABASE_URL: t.db.connectionString,
      BIRTH_LANE_HTTP_TOKEN: 'too-short',
    });
    expect(short.code).toBe(EXIT_CODES.usage);
    expect(short.stderr).toMatch(/BIRTH_LANE_HTTP_TOKEN.*16 characters/);

    const badPort = await runCli(['http', '--port', '70000'], {
      DATABASE_URL: t.db.connectionString,
      BIRTH_LANE_HTTP_TOKEN: TOKEN,
    });
    expect(badPort.code).toBe(EXIT_CODES.usage);
    expect(badPort.stderr).toMatch(/^birth-lane: .*--port must be a whole number from 0 to 65535/m);
  });

  it('answers as the curl examples show, runs the real producer, and exits 0 on SIGTERM', async () => {
    await t.db.pool.query(
      `insert into public.birth_registry (entity_code, collection_name, species_code, dot_origin, name, description, status)
       values ('ENT-201', 'fauna', 'SP-MAMMAL', 'dot://a', 'A cat', 'A mammal seen by the CLI.', 'active')`,
    );
    const serve = startCli(['http', '--port', '0'], {
      DATABASE_URL: t.db.connectionString,
      BIRTH_LANE_HTTP_TOKEN: TOKEN,
    });
    let base = '';
    await serve.waitFor(({ stdout }) => {
      const listening = /"url":"(http:\/\/[^"]+)"[^\n]*"msg":"http channel listening"/.exec(stdout);
      base = listening?.[1] ?? '';
      return listening !== null;
    });
    try {
      const noToken = await fetch(`${base}/runs`, { method: 'POST' });
      expect(noToken.status).toBe(401);
      expect(await noToken.json()).toMatchObject({ error: 'unauthorized' });

      const badBody = await fetch(`${base}/runs`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: '{"maxRows": -1, "idFrom": "9", "idTo": "1", "rows": 5}',
      });
      expect(badBody.status).toBe(400);
      const refusal = (await badBody.json()) as {
        error: string;
        problems: { field: string; rule: string }[];
      };
      expect(refusal.error).toBe('invalid_body');
      expect(refusal.problems.map(({ field, rule }) => `${field}:${rule}`).sort()).toEqual([
        '(input):unknown_key',
        'idFrom:order',
        'maxRows:min',
      ]);

      const accepted = await fetch(`${base}/runs`, { method: 'POST', headers: auth });
      expect(accepted.status).toBe(202);
      const { runId } = (await accepted.json()) as { runId: string };
      expect(accepted.headers.get('location')).toBe(`/runs/${runId}`);
      let run: Record<string, unknown> = {};
      await expect
        .poll(
          async () => {
            run = (await (await fetch(`${base}/runs/${runId}`, { headers: auth })).json()) as Record<
              string,
              unknown
            >;
            return run['status'];
          },
          { timeout: 20_000, interval: 50 },
        )
        .toBe('completed');
      expect(run).toMatchObject({
        report: { channel: 'http', scanned: 1, passed: { pen: 1, stamp: 1, gate: 1 } },
      });
      const { rows } = await t.db.pool.query(
        "select certified from public.birth_registry where entity_code = 'ENT-201'",
      );
      expect(rows[0].certified).toBe(true);

      const metrics = await fetch(`${base}/metrics`, { headers: auth });
      expect(metrics.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      const text = await metrics.text();
      expect(text).toMatch(/^# TYPE birth_lane_run_duration_seconds histogram$/m);
      expect(sample(text, 'birth_lane_run_duration_seconds_count{outcome="completed"}')).toBe('1');
      expect(sample(text, 'birth_lane_runs_total{outcome="completed"}')).toBe('1');
      expect(sample(text, 'birth_lane_backlog_rows')).toBe('0');

      expect(serve.output().stdout).toMatch(
        /"channel":"http"[^\n]*"method":"POST","path":"\/runs","status":202/,
      );
      expect(serve.output().stdout).not.toContain(TOKEN);
    } finally {
      const exit = await serve.stop();
      expect(exit.code).toBe(0);
    }
    expect(await latestHttpHeartbeat()).toBe('stopped');
  });
});
