import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { countingRunner } from '@birth-lane/contract/testing';
import { useTestDatabase } from '@birth-lane/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpChannel } from '../src/index.js';
import {
  auth,
  contractSetupSql,
  finishedRun,
  heldRunner,
  jsonAuth,
  latestHttpHeartbeat,
  newChannel,
} from './channel-fixture.js';

const t = useTestDatabase({ setupSql: contractSetupSql, name: 'http-runs' });

interface Refusal {
  status: number;
  error: string;
  problems: { field: string; rule: string; message: string }[];
}

/** A started channel with a counting runner for the describe it is called in, stopped after it. */
function standingChannel(): {
  channel: HttpChannel;
  runner: ReturnType<typeof countingRunner>;
  base: string;
} {
  const state = {} as { channel: HttpChannel; runner: ReturnType<typeof countingRunner>; base: string };
  beforeAll(async () => {
    state.channel = newChannel(t);
    state.runner = countingRunner();
    await state.channel.start(state.runner);
    state.base = state.channel.url;
  });
  afterAll(async () => {
    await state.channel?.stop();
  });
  return state;
}

describe('POST /runs with a body it refuses', () => {
  const standing = standingChannel();

  const post = async (body: string, headers: Record<string, string> = jsonAuth): Promise<Refusal> => {
    const response = await fetch(`${standing.base}/runs`, { method: 'POST', headers, body });
    return { status: response.status, ...((await response.json()) as Omit<Refusal, 'status'>) };
  };
  const rules = (refusal: Refusal) => refusal.problems.map(({ field, rule }) => `${field}:${rule}`).sort();

  it('answers 400 invalid_body listing every problem (field, rule, message), and starts no run', async () => {
    const several = await post(
      '{"maxRows": 0, "batchSize": 50001, "idFrom": "9", "idTo": "1", "extra": true}',
    );
    expect(several).toMatchObject({
      status: 400,
      error: 'invalid_body',
      message: 'The body of POST /runs is invalid; every problem is listed.',
    });
    expect(rules(several)).toEqual(['(input):unknown_key', 'batchSize:max', 'idFrom:order', 'maxRows:min']);
    for (const problem of several.problems) expect(problem.message).toEqual(expect.any(String));
    expect(several.problems.find((problem) => problem.rule === 'unknown_key')!.message).toMatch(/extra/);
    expect(standing.runner.calls).toHaveLength(0);
  });

  it('refuses an unknown key, an id beyond the bigint maximum, a reversed range, a negative bound', async () => {
    expect(rules(await post('{"rows": 5}'))).toEqual(['(input):unknown_key']);
    expect(rules(await post('{"idTo": "9223372036854775808"}'))).toEqual(['idTo:registry_id']);
    expect(rules(await post('{"idFrom": "9223372036854775807", "idTo": "9223372036854775806"}'))).toEqual([
      'idFrom:order',
    ]);
    expect(rules(await post('{"maxRows": -3}'))).toEqual(['maxRows:min']);
    expect(rules(await post('null'))).toEqual(['(input):type']);
    expect(standing.runner.calls).toHaveLength(0);
  });

  it('refuses a body that is not JSON, or not declared as JSON, with the same shape', async () => {
    const badJson = await post('{"maxRows": 5,');
    expect(badJson).toMatchObject({ status: 400, error: 'invalid_body' });
    expect(rules(badJson)).toEqual(['(input):json']);
    expect(badJson.problems[0]!.message).toMatch(/^is not valid JSON: /);

    const poisoned = await post('{"__proto__": {"maxRows": 1}}');
    expect(rules(poisoned)).toEqual(['(input):json']);

    const wrongType = await post('{"maxRows": 1}', { ...auth, 'content-type': 'text/plain' });
    expect(wrongType).toMatchObject({ status: 400, error: 'invalid_body' });
    expect(rules(wrongType)).toEqual(['(content-type):content_type']);
    expect(wrongType.problems[0]!.message).toBe('must be application/json, got "text/plain"');
    expect(standing.runner.calls).toHaveLength(0);
  });

  it('answers 413 body_too_large for a body past the limit, declared or streamed, and closes the connection', async () => {
    const tooLarge = await fetch(`${standing.base}/runs`, {
      method: 'POST',
      headers: jsonAuth,
      body: JSON.stringify({ maxRows: 1, padding: 'x'.repeat(70 * 1024) }),
    });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.headers.get('connection')).toBe('close');
    expect(await tooLarge.json()).toEqual({
      error: 'body_too_large',
      message: 'The request body must be at most 65536 bytes.',
    });
    // Chunked, so no content-length tells the size up front: refused as it grows past the limit.
    const streamed = await chunkedPost(`${standing.base}/runs`, 'x'.repeat(70 * 1024));
    expect(streamed).toBe(413);
    expect(standing.runner.calls).toHaveLength(0);
  });
});

describe('POST /runs, then GET /runs/:id', () => {
  const standing = standingChannel();

  it('answers 202 with the run resource and Location, then the finished run with its report', async () => {
    const accepted = await fetch(`${standing.base}/runs`, {
      method: 'POST',
      headers: jsonAuth,
      body: JSON.stringify({ idFrom: '5', idTo: 9, batchSize: 100, maxRows: 7 }),
    });
    expect(accepted.status).toBe(202);
    const body = (await accepted.json()) as { runId: string };
    expect(body).toEqual({
      runId: expect.any(String),
      status: 'running',
      links: { self: `/runs/${body.runId}` },
    });
    expect(accepted.headers.get('location')).toBe(`/runs/${body.runId}`);

    const run = await finishedRun(standing.base, body.runId);
    expect(run).toMatchObject({
      id: body.runId,
      status: 'completed',
      endedAt: expect.any(String),
      request: { idFrom: '5', idTo: '9', batchSize: 100, maxRows: 7 },
      report: { channel: 'http', outcome: 'completed' },
      links: { self: `/runs/${body.runId}` },
    });
    // The runner got the bounds as the producer reads them: ids as decimal text, the channel's name.
    expect(standing.runner.calls).toHaveLength(1);
    expect(standing.runner.calls[0]).toMatchObject({
      channel: 'http',
      idFrom: '5',
      idTo: '9',
      batchSize: 100,
      maxRows: 7,
    });
    expect(standing.runner.calls[0]!.signal).toBeInstanceOf(AbortSignal);
    // The heartbeat links the channel to the producer's own run id (the evidence log's).
    await expect
      .poll(() => latestHttpHeartbeat(t.db))
      .toEqual({
        state: 'idle',
        last_run_id: (run['report'] as { runId: string }).runId,
      });
  });

  it('takes a POST without any body (curl -X POST) or with an empty JSON body as a run without bounds', async () => {
    for (const init of [
      { headers: auth },
      { headers: jsonAuth, body: '' },
      { headers: jsonAuth, body: ' \n' },
    ]) {
      const calls = standing.runner.calls.length;
      const response = await fetch(`${standing.base}/runs`, { method: 'POST', ...init });
      expect(response.status).toBe(202);
      await finishedRun(standing.base, ((await response.json()) as { runId: string }).runId);
      expect(standing.runner.calls).toHaveLength(calls + 1);
      expect(standing.runner.calls.at(-1)).not.toHaveProperty('idFrom');
    }
  });

  it('takes JSON declared with parameters (application/json; charset=utf-8), as many clients send it', async () => {
    for (const contentType of [
      'application/json; charset=utf-8',
      'application/json;charset=UTF-8',
      'application/merge-patch+json; charset=utf-8',
    ]) {
      const calls = standing.runner.calls.length;
      const response = await fetch(`${standing.base}/runs`, {
        method: 'POST',
        headers: { ...auth, 'content-type': contentType },
        body: '{"maxRows": 5}',
      });
      expect(response.status, contentType).toBe(202);
      await finishedRun(standing.base, ((await response.json()) as { runId: string }).runId);
      expect(standing.runner.calls).toHaveLength(calls + 1);
      expect(standing.runner.calls.at(-1)).toMatchObject({ maxRows: 5 });
    }
  });

  it('GET /runs/:id answers 400 invalid_id for a malformed id and 404 for an unknown one, in either case', async () => {
    const malformed = await fetch(`${standing.base}/runs/not-a-uuid`, { headers: auth });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toEqual({
      error: 'invalid_id',
      message: 'A run id is a UUID, as returned by POST /runs.',
      problems: [{ field: 'id', rule: 'uuid', message: 'must be a UUID' }],
    });
    for (const id of [randomUUID(), randomUUID().toUpperCase()]) {
      const unknown = await fetch(`${standing.base}/runs/${id}`, { headers: auth });
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ error: 'run_not_found' });
    }
  });

  it('finds a run by its id in upper case', async () => {
    const response = await fetch(`${standing.base}/runs`, { method: 'POST', headers: auth });
    const { runId } = (await response.json()) as { runId: string };
    await finishedRun(standing.base, runId);
    const upper = await fetch(`${standing.base}/runs/${runId.toUpperCase()}`, { headers: auth });
    expect(upper.status).toBe(200);
    expect(await upper.json()).toMatchObject({ id: runId });
  });
});

describe('one run at a time', () => {
  it('answers 409 with the running link while a run is in flight, and starts no second run', async () => {
    const channel = newChannel(t);
    const runner = heldRunner();
    await channel.start(runner);
    try {
      const started = await fetch(`${channel.url}/runs`, {
        method: 'POST',
        headers: jsonAuth,
        body: '{"maxRows": 10}',
      });
      expect(started.status).toBe(202);
      const { runId } = (await started.json()) as { runId: string };
      await expect.poll(() => runner.calls.length).toBe(1);

      const busy = await fetch(`${channel.url}/runs`, { method: 'POST', headers: auth });
      expect(busy.status).toBe(409);
      expect(await busy.json()).toMatchObject({
        error: 'run_in_progress',
        running: { id: runId, links: { self: `/runs/${runId}` } },
      });
      const running = await fetch(`${channel.url}/runs/${runId}`, { headers: auth });
      expect(await running.json()).toMatchObject({ id: runId, status: 'running', endedAt: null });
      expect(runner.calls).toHaveLength(1);
    } finally {
      runner.release();
      await channel.stop();
    }
  });
});

/** A POST whose body goes out chunked (no content-length); resolves with the status. */
function chunkedPost(url: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const sent = request(
      url,
      { method: 'POST', headers: { ...jsonAuth, 'transfer-encoding': 'chunked' } },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    sent.on('error', reject);
    for (let offset = 0; offset < body.length; offset += 8192) sent.write(body.slice(offset, offset + 8192));
    sent.end();
  });
}
