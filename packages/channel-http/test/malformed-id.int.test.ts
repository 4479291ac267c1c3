import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { countingRunner } from '@birth-lane/contract/testing';
import { useTestDatabase } from '@birth-lane/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpChannel } from '../src/index.js';
import { contractSetupSql, newChannel, TOKEN } from './channel-fixture.js';

const t = useTestDatabase({ setupSql: contractSetupSql, name: 'http-ids' });
let channel: HttpChannel;

beforeAll(async () => {
  channel = newChannel(t);
  await channel.start(countingRunner());
});
afterAll(async () => {
  await channel?.stop();
});

/** A raw GET, so the path reaches the server exactly as written (fetch would normalise it). */
function get(path: string): Promise<{ status: number; error: string }> {
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
        let body = '';
        response.on('data', (chunk: Buffer) => {
          body += chunk;
        });
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, error: (JSON.parse(body) as { error: string }).error }),
        );
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
    'x'.repeat(8000),
    '00000000-0000-0000-0000-00000000000g',
    `{${randomUUID()}}`,
    `${randomUUID()}%20`,
    "1'%20or%20'1'='1",
    '..%2F..%2Fetc',
    '%F0%9F%90%88',
    '%E2%80%AE',
  ])('answers 400 invalid_id, not 500: %s', async (id) => {
    expect(await get(`/runs/${id}`)).toEqual({ status: 400, error: 'invalid_id' });
  });

  it.each(['%ZZ', '%C0%AF', '%E0%A4%A'])(
    'answers 400 invalid_url when the percent-encoding does not decode: %s',
    async (id) => {
      expect(await get(`/runs/${id}`)).toEqual({ status: 400, error: 'invalid_url' });
    },
  );

  it('answers 404 for a well-formed unknown id, in either case', async () => {
    expect((await get(`/runs/${randomUUID()}`)).status).toBe(404);
    expect((await get(`/runs/${randomUUID().toUpperCase()}`)).status).toBe(404);
  });
});
