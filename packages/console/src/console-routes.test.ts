import { silentLogger } from '@birth-lane/contract';
import fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { LoginOpener } from './console-ports.js';
import { consoleRoutes } from './console-routes.js';

/**
 * The sign-in rules that do not need a database: a server that lets any password in (trust
 * authentication), seen through a login opener that accepts every password, as such a server does.
 */
const everyPasswordWorks: LoginOpener = {
  async open(login) {
    return {
      login,
      db: { query: async () => ({ rows: [], rowCount: 0 }) as never },
      close: async () => undefined,
    };
  },
};
const passwordChecked: LoginOpener = {
  async open(login, password) {
    if (password !== 'right')
      return { refused: true, reason: 'the database refused this login and password.' };
    return everyPasswordWorks.open(login, password);
  },
};
const readers = {
  overview: async () => {
    throw new Error('not used here');
  },
  backlogPasses: async () => [],
};

let app: FastifyInstance | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

async function consoleWith(logins: LoginOpener, allowTrustAuthentication: boolean) {
  app = fastify();
  await app.register(consoleRoutes({ allowTrustAuthentication }, { logins, readers, log: silentLogger }));
  return app;
}

async function signIn(server: FastifyInstance, password: string) {
  const form = await server.inject({ method: 'GET', url: '/console/login' });
  const token = /name="csrf" value="([0-9a-f]+)"/.exec(form.body)![1]!;
  const cookie = form.cookies.find((entry) => entry.name === 'bl_console_login')!;
  return server.inject({
    method: 'POST',
    url: '/console/login',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie: `bl_console_login=${cookie.value}`,
    },
    payload: new URLSearchParams({ login: 'someone', password, csrf: token }).toString(),
  });
}

describe('console sign-in', () => {
  it('refuses every sign-in on a server that accepts any password, unless the demo opt-in is set', async () => {
    const refused = await signIn(await consoleWith(everyPasswordWorks, false), 'anything');
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('accepts any password');
    expect(refused.cookies.some((entry) => entry.name === 'bl_console_session')).toBe(false);
  });

  it('with the opt-in, signs in on such a server and says so on every page', async () => {
    const server = await consoleWith(everyPasswordWorks, true);
    const signed = await signIn(server, 'anything');
    expect(signed.statusCode).toBe(303);
    const session = signed.cookies.find((entry) => entry.name === 'bl_console_session')!;
    const page = await server.inject({
      method: 'GET',
      url: '/console/runs',
      headers: { cookie: `bl_console_session=${session.value}` },
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Demo mode: this database server accepts any password');
  });

  it('signs in where the password is checked, with no banner, and refuses a wrong one', async () => {
    const server = await consoleWith(passwordChecked, false);
    const wrong = await signIn(server, 'wrong');
    expect(wrong.statusCode).toBe(401);
    const signed = await signIn(server, 'right');
    expect(signed.statusCode).toBe(303);
    const session = signed.cookies.find((entry) => entry.name === 'bl_console_session')!;
    const page = await server.inject({
      method: 'GET',
      url: '/console/runs',
      headers: { cookie: `bl_console_session=${session.value}` },
    });
    expect(page.body).not.toContain('Demo mode');
  });

  it('sends Secure cookies over https and when told to always', async () => {
    const server = await consoleWith(passwordChecked, false);
    const form = await server.inject({ method: 'GET', url: '/console/login' });
    expect(form.cookies.find((entry) => entry.name === 'bl_console_login')!.secure).toBeFalsy();
    await server.close();
    app = fastify();
    await app.register(
      consoleRoutes({ secureCookies: 'always' }, { logins: passwordChecked, readers, log: silentLogger }),
    );
    const secure = await app.inject({ method: 'GET', url: '/console/login' });
    expect(secure.cookies.find((entry) => entry.name === 'bl_console_login')!.secure).toBe(true);
  });

  it('returns only to a page of the console after sign-in (no open redirect)', async () => {
    const server = await consoleWith(passwordChecked, false);
    for (const [next, expected] of [
      ['/console/runs', '/console/runs'],
      ['https://evil.example/', '/console/'],
      ['//evil.example/console/', '/console/'],
      ['/console/\\evil', '/console/'],
    ] as const) {
      const form = await server.inject({ method: 'GET', url: '/console/login' });
      const token = /name="csrf" value="([0-9a-f]+)"/.exec(form.body)![1]!;
      const cookie = form.cookies.find((entry) => entry.name === 'bl_console_login')!;
      const signed = await server.inject({
        method: 'POST',
        url: '/console/login',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          cookie: `bl_console_login=${cookie.value}`,
        },
        payload: new URLSearchParams({ login: 'someone', password: 'right', csrf: token, next }).toString(),
      });
      expect(signed.headers.location, next).toBe(expected);
    }
  });
});
