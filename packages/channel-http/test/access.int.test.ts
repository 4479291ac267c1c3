import { randomUUID } from 'node:crypto';
import { countingRunner } from '@birth-lane/contract/testing';
import { useTestDatabase } from '@birth-lane/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpChannel, HttpRoutePlugin } from '../src/index.js';
import { auth, contractSetupSql, newChannel, TOKEN } from './channel-fixture.js';

const t = useTestDatabase({ setupSql: contractSetupSql, name: 'http-access' });

/** A plugin as the operator console will be: its own routes, one of them public. */
const consolePlugin: HttpRoutePlugin = async (app, { desk }) => {
  app.get('/console/state', async () => ({ accepting: desk.accepting }));
  app.put('/console/state', async () => ({ changed: false }));
  app.get('/console/logo', { config: { public: true } }, async () => 'logo');
};

let channel: HttpChannel;
let runner: ReturnType<typeof countingRunner>;
let base: string;

beforeAll(async () => {
  channel = newChannel(t, {}, { plugins: [consolePlugin] });
  runner = countingRunner();
  await channel.start(runner);
  base = channel.url;
});
afterAll(async () => {
  await channel?.stop();
});

describe('the bearer token (onRequest hook)', () => {
  it('refuses a missing token with 401, WWW-Authenticate naming the realm, and a JSON body; starts nothing', async () => {
    const missing = await fetch(`${base}/runs`, { method: 'POST' });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="birth-lane"');
    expect(missing.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await missing.json()).toEqual({
      error: 'unauthorized',
      message: 'Send Authorization: Bearer <BIRTH_LANE_HTTP_TOKEN>.',
    });
    expect(runner.calls).toHaveLength(0);
  });

  it('refuses a wrong token, a prefix, an extension, a bare token and another scheme with invalid_token', async () => {
    for (const authorization of [
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(1)}`,
      TOKEN,
      `Basic ${TOKEN}`,
      'Bearer another-secret-of-sixteen',
    ]) {
      const wrong = await fetch(`${base}/runs`, { method: 'POST', headers: { authorization } });
      expect(wrong.status, authorization).toBe(401);
      expect(wrong.headers.get('www-authenticate')).toBe('Bearer realm="birth-lane", error="invalid_token"');
      expect(await wrong.json()).toMatchObject({ error: 'unauthorized' });
    }
    expect(runner.calls).toHaveLength(0);
  });

  it('lets the right token through', async () => {
    const right = await fetch(`${base}/runs/${randomUUID()}`, { headers: auth });
    expect(right.status).toBe(404);
    expect(await right.json()).toMatchObject({ error: 'run_not_found' });
  });

  it('guards every route but the public ones: unknown paths, wrong methods and added plugins too', async () => {
    for (const [method, path] of [
      ['GET', '/metrics'],
      ['GET', `/runs/${randomUUID()}`],
      ['GET', '/nowhere'],
      ['GET', '/runs'],
      ['DELETE', '/metrics'],
      ['GET', '/console/state'],
      ['GET', '/runs/%E0%A4%A'],
    ] as const) {
      expect((await fetch(`${base}${path}`, { method })).status, `${method} ${path}`).toBe(401);
    }
  });

  it('answers /healthz without a token, and its wrong methods with 405 too', async () => {
    const response = await fetch(`${base}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', database: 'ok' });
    const wrongMethod = await fetch(`${base}/healthz`, { method: 'POST' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET');
    expect((await fetch(`${base}/console/logo`)).status).toBe(200);
  });
});

describe('what the framework refuses, as JSON', () => {
  it('answers an unknown route with 404 not_found', async () => {
    const notFound = await fetch(`${base}/run`, { headers: auth });
    expect(notFound.status).toBe(404);
    expect(notFound.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await notFound.json()).toMatchObject({
      error: 'not_found',
      message: expect.stringMatching(/\/run\b/),
    });
  });

  it('answers a known path with a wrong method with 405 and Allow, the added plugin paths included', async () => {
    const cases = [
      ['GET', '/runs', 'POST'],
      ['PUT', '/runs', 'POST'],
      ['DELETE', `/runs/${randomUUID()}`, 'GET'],
      ['POST', '/metrics', 'GET'],
      ['HEAD', '/metrics', 'GET'],
      ['OPTIONS', '/runs', 'POST'],
      ['PATCH', '/console/state', 'GET, PUT'],
    ] as const;
    for (const [method, path, allow] of cases) {
      const response = await fetch(`${base}${path}`, { method, headers: auth });
      expect(response.status, `${method} ${path}`).toBe(405);
      expect(response.headers.get('allow'), `${method} ${path}`).toBe(allow);
      if (method !== 'HEAD') {
        expect(await response.json()).toEqual({ error: 'method_not_allowed', message: `Use ${allow} here.` });
      }
    }
    expect(runner.calls).toHaveLength(0);
  });

  it('answers 405 before reading the body, so a body that would not parse does not change the answer', async () => {
    const response = await fetch(`${base}/metrics`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{"broken":',
    });
    expect(response.status).toBe(405);
  });

  it('serves the added plugin its context (the run desk) behind the token', async () => {
    const response = await fetch(`${base}/console/state`, { headers: auth });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ accepting: true });
  });
});
