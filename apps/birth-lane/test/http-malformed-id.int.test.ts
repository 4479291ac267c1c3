import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { countingRunner } from '@birth-lane/contract/testing';
import { useTestDatabase } from '@birth-lane/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpChannel } from '../src/channels/http-channel.js';
import { laneSteps } from '../src/lane/lane-steps.js';
import { createLogger } from '../src/logging/logger.js';

const TOKEN = 'http-test-token-0123456789';
const t = useTestDatabase({ setupSql: laneSteps.map((step) => step.mutation), name: 'http-ids' });
let channel: HttpChannel;

beforeAll(async () => {
  channel = new HttpChannel({
    port: 0,
    host: '127.0.0.1',
    token: TOKEN,
    db: t.db.pool,
    log: createLogger({ BIRTH_LANE_LOG_LEVEL: 'silent' }),
  });
  await channel.start(countingRunner());
});
afterAll(async () => {
  await channel?.stop();
});

/** A raw GET, so the path reaches the server exactly as written (fetch would normalise it). */
function get(path: string): Promise<number> {
  const url = new URL(channel.url);
  return new Promise((resolve, reject) => {
    const sent = request(
      {
        host: url.hostname,
        port: url.port,
        path,
        method: 'GET',
        headers: { authorization: `Bearer ${TOKEN}` },
      },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    sent.on('error', reject);
    sent.end();
  });
}

describe('GET /runs/:id with a malformed id', () => {
  it.each([
    'not-a-uuid',
    '%00',
    '%ZZ',
    '%E2%80%AE',
    '%C0%AF',
    'x'.repeat(8000),
    '00000000-0000-0000-0000-00000000000g',
    `{${randomUUID()}}`,
    `${randomUUID()}%20`,
    "1'%20or%20'1'='1",
    '..%2F..%2Fetc',
    '%F0%9F%90%88',
  ])('answers 400, not 500: %s', async (id) => {
    expect(await get(`/runs/${id}`)).toBe(400);
  });

  it('answers 404 for a well-formed unknown id, in either case', async () => {
    expect(await get(`/runs/${randomUUID()}`)).toBe(404);
    expect(await get(`/runs/${randomUUID().toUpperCase()}`)).toBe(404);
  });
});
