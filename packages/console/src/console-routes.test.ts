import { silentLogger } from '@birth-lane/contract';
import fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConsoleOverview, ConsoleReaders, LoginOpener } from './console-ports.js';
import { consoleRoutes } from './console-routes.js';
import type { ConsoleSettingsInput } from './console-settings.js';

/**
 * The sign-in rules that do not need a database: a server that lets any password in (trust
 * authentication), seen through a login opener that accepts every password, as such a server does.
 */
const everyPasswordWorks: LoginOpener = {
  async open(login) {
    // The lane-membership question is the database's; here a login named nobody… holds no lane role.
    const query = async (sql: string) =>
      (sql.includes('pg_has_role')
        ? { rows: [{ member: !login.startsWith('nobody') }], rowCount: 1 }
        : { rows: [], rowCount: 0 }) as never;
    return { login, db: { query }, close: async () => undefined };
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

async function consoleWith(
  logins: LoginOpener,
  allowTrustAuthentication: boolean,
  settings: ConsoleSettingsInput = {},
  overviewReaders: ConsoleReaders = readers,
) {
  app = fastify();
  await app.register(
    consoleRoutes(
      { allowTrustAuthentication, ...settings },
      { logins, readers: overviewReaders, log: silentLogger },
    ),
  );
  return app;
}

async function signIn(server: FastifyInstance, password: string, login = 'someone') {
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
    payload: new URLSearchParams({ login, password, csrf: token }).toString(),
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
      ['/console/x\r\nX-Evil: 1', '/console/'],
      ['/console/../../evil', '/console/'],
      ['/console/runs?page=2', '/console/runs?page=2'],
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
      expect(signed.statusCode, next).toBe(303);
      expect(signed.headers.location, next).toBe(expected);
    }
  });
});

const sessionOf = (response: { cookies: { name: string; value: string }[] }) =>
  response.cookies.find((entry) => entry.name === 'bl_console_session')?.value;
const pageWith = (server: FastifyInstance, session: string | undefined, url = '/console/runs') =>
  server.inject({ method: 'GET', url, headers: { cookie: `bl_console_session=${session}` } });

describe('console sign-in cannot lock others out', () => {
  it('refuses a login that holds none of the lane roles, and gives it no session', async () => {
    const server = await consoleWith(passwordChecked, false);
    const refused = await signIn(server, 'right', 'nobody_here');
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('holds none of the lane');
    expect(refused.body).toContain('GRANT birth_lane_reader TO nobody_here');
    expect(sessionOf(refused)).toBeUndefined();
  });

  it('ends a login’s own oldest session beyond its cap, so one login cannot fill the store', async () => {
    const server = await consoleWith(passwordChecked, false, {
      maxSessions: 3,
      maxSessionsPerLogin: 2,
      loginAttemptsPerMinute: 100,
    });
    const own: (string | undefined)[] = [];
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const signed = await signIn(server, 'right', 'greedy');
      expect(signed.statusCode, `attempt ${attempt}`).toBe(303);
      own.push(sessionOf(signed));
    }
    // Only the newest two of greedy's sessions stand.
    expect((await pageWith(server, own[0])).statusCode).toBe(401);
    expect((await pageWith(server, own[2])).statusCode).toBe(401);
    expect((await pageWith(server, own[3])).statusCode).toBe(200);
    expect((await pageWith(server, own[4])).statusCode).toBe(200);
    // Someone else still gets in.
    const president = await signIn(server, 'right', 'president');
    expect(president.statusCode).toBe(303);
    expect((await pageWith(server, sessionOf(president))).statusCode).toBe(200);
  });

  it('limits sign-in attempts per client address', async () => {
    const server = await consoleWith(passwordChecked, false, { loginAttemptsPerMinute: 3 });
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect((await signIn(server, 'wrong')).statusCode).toBe(401);
    }
    const limited = await signIn(server, 'right');
    expect(limited.statusCode).toBe(429);
    expect(limited.body).toContain('Too many sign-in attempts');
    expect(sessionOf(limited)).toBeUndefined();
  });

  it('never reads the overview because of a request: sign-ins, pages and log-outs start no scan; the server’s timer does', async () => {
    let readings = 0;
    const overview: ConsoleOverview = {
      registry: {
        total: 1,
        governed: 1,
        observed: 1,
        pen: 0,
        stamp: 0,
        gate: 0,
        certified: 1,
        backlog: 0,
        ambiguous: 0,
      },
      ruleSet: { version: 'v1', hash: 'h' },
      gate: { mode: 'block', source: 'test', criteria: [] },
      producers: [],
      backlogPasses: [],
    };
    const counting: ConsoleReaders = {
      overview: async () => {
        readings += 1;
        return overview;
      },
      backlogPasses: async () => [],
    };
    // A reading every 60 s: the server looks for due readings every 5 s.
    const server = await consoleWith(passwordChecked, false, { overviewTtlSeconds: 60 }, counting);
    const kept = sessionOf(await signIn(server, 'right'));
    for (let pass = 0; pass < 3; pass += 1) {
      const session = sessionOf(await signIn(server, 'right'));
      const page = await pageWith(server, session, '/console/');
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('data-testid="overview-counting"');
      const csrf = /name="csrf" value="([0-9a-f]+)"/.exec(page.body)![1]!;
      const out = await server.inject({
        method: 'POST',
        url: '/console/logout',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          cookie: `bl_console_session=${session}`,
        },
        payload: new URLSearchParams({ csrf }).toString(),
      });
      expect(out.statusCode).toBe(303);
    }
    expect(readings).toBe(0);
    let page = await pageWith(server, kept, '/console/');
    for (let waited = 0; page.body.includes('overview-counting') && waited < 80; waited += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      page = await pageWith(server, kept, '/console/');
    }
    expect(page.body).toContain('data-testid="overview-read-at"');
    expect(page.body).toContain('data-testid="registry-total"');
    expect(readings).toBe(1);
  }, 20_000);
});

describe('console query parameters', () => {
  it('refuses a check id with a NUL or another control character: 400 naming the field', async () => {
    const server = await consoleWith(passwordChecked, false);
    const session = sessionOf(await signIn(server, 'right'));
    for (const url of [
      '/console/failures?window=24h&check=%00',
      '/console/runs/00000000-0000-4000-8000-000000000000?check=a%0Ab',
      '/console/runs/00000000-0000-4000-8000-000000000000/failures.csv?check=%00',
    ]) {
      const page = await pageWith(server, session, url);
      expect(page.statusCode, url).toBe(400);
      expect(page.body, url).toContain('check');
      expect(page.body, url).toContain('control characters');
    }
  });
});

describe('signing in again from the same browser', () => {
  it('ends the session the browser still holds', async () => {
    const server = await consoleWith(passwordChecked, false);
    const first = sessionOf(await signIn(server, 'right'));
    const form = await server.inject({ method: 'GET', url: '/console/login' });
    const token = /name="csrf" value="([0-9a-f]+)"/.exec(form.body)![1]!;
    const cookie = form.cookies.find((entry) => entry.name === 'bl_console_login')!;
    const again = await server.inject({
      method: 'POST',
      url: '/console/login',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: `bl_console_login=${cookie.value}; bl_console_session=${first}`,
      },
      payload: new URLSearchParams({ login: 'someone', password: 'right', csrf: token }).toString(),
    });
    expect(again.statusCode).toBe(303);
    expect((await pageWith(server, first)).statusCode).toBe(401);
    expect((await pageWith(server, sessionOf(again))).statusCode).toBe(200);
  });

  it('refuses a page number that is not plain digits (1e3, 0x10): 400 naming the field', async () => {
    const server = await consoleWith(passwordChecked, false);
    const session = sessionOf(await signIn(server, 'right'));
    for (const page of ['1e3', '0x10', ' 2']) {
      const answer = await pageWith(server, session, `/console/runs?page=${encodeURIComponent(page)}`);
      expect(answer.statusCode, page).toBe(400);
      expect(answer.body, page).toContain('page');
    }
    expect((await pageWith(server, session, '/console/runs?page=2')).statusCode).toBe(200);
  });
});

describe('a POST from another origin', () => {
  it('is refused when the browser says so (Sec-Fetch-Site, Origin), even with a matching CSRF pair', async () => {
    const server = await consoleWith(passwordChecked, false);
    const post = async (headers: Record<string, string>) => {
      const form = await server.inject({ method: 'GET', url: '/console/login' });
      const token = /name="csrf" value="([0-9a-f]+)"/.exec(form.body)![1]!;
      const cookie = form.cookies.find((entry) => entry.name === 'bl_console_login')!;
      return server.inject({
        method: 'POST',
        url: '/console/login',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          cookie: `bl_console_login=${cookie.value}`,
          ...headers,
        },
        payload: new URLSearchParams({ login: 'someone', password: 'right', csrf: token }).toString(),
      });
    };
    const elsewhere: Record<string, string>[] = [
      { 'sec-fetch-site': 'same-site' },
      { 'sec-fetch-site': 'cross-site' },
      { origin: 'http://evil.example' },
      { 'sec-fetch-site': 'cross-site', origin: 'null' },
    ];
    for (const headers of elsewhere) {
      const refused = await post(headers);
      expect(refused.statusCode, JSON.stringify(headers)).toBe(403);
      expect(sessionOf(refused), JSON.stringify(headers)).toBeUndefined();
    }
    const same = await post({ 'sec-fetch-site': 'same-origin', origin: 'http://localhost:80' });
    expect(same.statusCode).toBe(303);
    // The page's own form under Referrer-Policy: no-referrer: Origin null, Sec-Fetch-Site same-origin.
    expect((await post({ 'sec-fetch-site': 'same-origin', origin: 'null' })).statusCode).toBe(303);
  });
});

describe('a database without the lane', () => {
  it('answers the pages with “run birth-lane install”, not a bare failure', async () => {
    const uninstalled: LoginOpener = {
      async open(login) {
        const query = async (sql: string) => {
          if (sql.includes('pg_has_role')) return { rows: [{ member: true }], rowCount: 1 } as never;
          // What PostgreSQL answers when the lane's schema is absent.
          throw Object.assign(new Error('schema "birth_lane" does not exist'), { code: '3F000' });
        };
        return { login, db: { query }, close: async () => undefined };
      },
    };
    const server = await consoleWith(uninstalled, true);
    const session = sessionOf(await signIn(server, 'right'));
    for (const url of ['/console/runs', '/console/approvals']) {
      const page = await pageWith(server, session, url);
      expect(page.statusCode, url).toBe(503);
      expect(page.body, url).toContain('birth-lane install');
    }
  });
});
