import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresApprovalGate } from '@birth-lane/contract';
import { useTestDatabase } from '@birth-lane/test-kit';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeLaneTemplate } from './active-lane-template.js';
import {
  type ConsoleFixture,
  cookieHeader,
  cookiesOf,
  HTTP_TOKEN,
  hiddenField,
  startConsoleFixture,
} from './console-fixture.js';
import { runCli, startCli } from './run-cli.js';

/**
 * The operator console on a real http channel against a real PostgreSQL: every request as the
 * signed-in person's own login. (The console's pages in a real browser: console.browser.test.ts.)
 */
const t = useTestDatabase({ template: activeLaneTemplate });
let fixture: ConsoleFixture;

beforeAll(async () => {
  fixture = await startConsoleFixture(t);
}, 120_000);
afterAll(async () => {
  await fixture?.close();
});

const url = (path: string) => `${fixture.channel.url}${path}`;

/** GET the login page, then POST the form with its CSRF token: the session's cookie jar. */
async function signIn(login: string, password = fixture.password) {
  const jar = new Map<string, string>();
  const form = await fetch(url('/console/login'));
  cookiesOf(form, jar);
  const csrf = hiddenField(await form.text(), 'csrf');
  const response = await fetch(url('/console/login'), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieHeader(jar) },
    body: new URLSearchParams({ login, password, csrf, next: '' }),
  });
  cookiesOf(response, jar);
  return { response, jar };
}

const get = (path: string, jar: Map<string, string>) =>
  fetch(url(path), { headers: { cookie: cookieHeader(jar) }, redirect: 'manual' });

const testIdText = (page: string, id: string) => {
  const match = new RegExp(`data-testid="${id}"[^>]*>([^<]*)<`).exec(page);
  if (!match) throw new Error(`no data-testid=${id} in the page`);
  return match[1]!;
};
const count = (text: string) => Number(text.replaceAll(',', ''));

describe('the operator console', () => {
  it('answers a request without a session with the login page (401), never a page of the lane', async () => {
    for (const path of [
      '/console/',
      '/console/runs',
      `/console/runs/${fixture.runId}`,
      '/console/approvals',
    ]) {
      const response = await fetch(url(path), { redirect: 'manual' });
      expect(response.status, path).toBe(401);
      const page = await response.text();
      expect(page).toContain('name="password"');
      // No lane data: no run listed, no failing row, no figure.
      expect(page).not.toContain('CON-');
      expect(page).not.toContain('data-testid="failures"');
      expect(page).not.toContain('data-testid="registry-total"');
    }
    // `/` belongs to the console, without the agent API's bearer token.
    const root = await fetch(url('/'), { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/console/');
  });

  it('keeps the agent API behind its bearer token', async () => {
    expect((await fetch(url('/metrics'))).status).toBe(401);
    expect(
      (await fetch(url('/metrics'), { headers: { authorization: `Bearer ${HTTP_TOKEN}` } })).status,
    ).toBe(200);
  });

  it('refuses a wrong password and a login form posted without its CSRF token', async () => {
    if (!fixture.trustAuthentication) {
      const wrong = await signIn(fixture.logins.reader, 'not-the-password');
      expect(wrong.response.status).toBe(401);
      expect(await wrong.response.text()).toContain('refused this login and password');
      expect(wrong.jar.has('bl_console_session')).toBe(false);
    }
    const forged = await fetch(url('/console/login'), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        login: fixture.logins.reader,
        password: fixture.password,
        csrf: 'x'.repeat(64),
      }),
    });
    expect(forged.status).toBe(403);
    expect(forged.headers.getSetCookie().some((line) => line.startsWith('bl_console_session='))).toBe(false);
  });

  it('refuses a sign-in by a login that holds none of the lane roles (the database says so), with no session', async () => {
    const nobody = `${fixture.logins.reader}_nobody`;
    await t.db.pool.query(`create role "${nobody}" login password '${fixture.password}'`);
    try {
      const { response, jar } = await signIn(nobody);
      expect(response.status).toBe(403);
      const page = await response.text();
      expect(page).toContain('holds none of the lane');
      expect(page).toContain(`GRANT birth_lane_reader TO ${nobody}`);
      expect(jar.has('bl_console_session')).toBe(false);
    } finally {
      await t.db.pool.query(`drop role if exists "${nobody}"`);
    }
  });

  it('signs in with a session cookie that is HttpOnly, SameSite=Strict, Path=/ and random', async () => {
    const { response, jar } = await signIn(fixture.logins.reader);
    expect(response.status).toBe(303);
    const cookie = response.headers.getSetCookie().find((line) => line.startsWith('bl_console_session='))!;
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; SameSite=Strict/i);
    expect(cookie).toMatch(/; Path=\//i);
    // Plain http here: Secure comes with https (or BIRTH_LANE_CONSOLE_SECURE_COOKIES=always).
    expect(cookie).not.toMatch(/; Secure/i);
    expect(jar.get('bl_console_session')).toMatch(/^[0-9a-f]{64}$/);
    const again = await signIn(fixture.logins.reader);
    expect(again.jar.get('bl_console_session')).not.toBe(jar.get('bl_console_session'));
  });

  it('serves every page with a CSP that allows no inline script, and shows the overview numbers status --json reports', async () => {
    const { jar } = await signIn(fixture.logins.reader);
    // The counts come from a background reading (never from this request): until it is taken, the
    // page says it is counting.
    let overview = await get('/console/', jar);
    for (let waited = 0; waited < 100; waited += 1) {
      const text = await overview.clone().text();
      if (!text.includes('data-testid="overview-counting"')) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
      overview = await get('/console/', jar);
    }
    expect(overview.status).toBe(200);
    const csp = overview.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(overview.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    const page = await overview.text();
    expect(page).not.toMatch(/<script(?![^>]*(src=|type="application\/json"))/);
    expect(page).toContain(fixture.logins.reader);

    const status = await runCli(['status', '--json'], { DATABASE_URL: t.db.connectionString });
    const registry = JSON.parse(status.stdout).registry;
    expect(count(testIdText(page, 'registry-total'))).toBe(registry.total);
    expect(count(testIdText(page, 'registry-backlog'))).toBe(registry.backlog);
    expect(count(testIdText(page, 'funnel-governed'))).toBe(registry.governed);
    expect(count(testIdText(page, 'funnel-pen'))).toBe(registry.stamped.pen);
    expect(count(testIdText(page, 'funnel-stamp'))).toBe(registry.stamped.stamp);
    expect(count(testIdText(page, 'funnel-gate'))).toBe(registry.stamped.gate);
    expect(count(testIdText(page, 'funnel-certified'))).toBe(registry.certified);
    expect(registry.certified).toBeGreaterThan(0);
    expect(testIdText(page, 'rule-set-version')).toBe(JSON.parse(status.stdout).ruleSet.version);

    for (const path of [
      '/console/runs',
      '/console/failures?window=1h',
      '/console/approvals',
      '/console/pilots',
    ]) {
      const response = await get(path, jar);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-security-policy')).toBe(csp);
    }
  });

  it('lists the run, its failures by check with row ids and entity codes, pages them, and exports CSV', async () => {
    const { jar } = await signIn(fixture.logins.reader);
    const runs = await (await get('/console/runs', jar)).text();
    expect(runs).toContain(`/console/runs/${fixture.runId}`);

    const run = await (await get(`/console/runs/${fixture.runId}`, jar)).text();
    // Every even seeded row had no species: 75 rows failing one check, each listed with id and code.
    expect(run).toMatch(/gate\.species_code\.required<\/a><\/td><td class="n">75<\/td>/);
    expect(run).toMatch(/<td class="n">\d+<\/td><td><code>CON-002<\/code><\/td>/);

    const check = await (
      await get(`/console/runs/${fixture.runId}?check=gate.species_code.required`, jar)
    ).text();
    expect(check).toContain('CON-002');
    expect(check).not.toContain('CON-001');

    const csv = await get(`/console/runs/${fixture.runId}/failures.csv`, jar);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toContain(`run-${fixture.runId}`);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe('evidence_id,recorded_at,run_id,row_id,entity_code,stage,check_id,message');
    // Each of the 75 rows fails two gate checks: 150 failures, 75 of them for the missing species.
    expect(lines.length - 1).toBe(150);
    expect(lines.filter((line) => /,CON-\d{3},gate,gate\.species_code\.required,/.test(line)).length).toBe(
      75,
    );
    const one = await get(
      `/console/runs/${fixture.runId}/failures.csv?check=gate.species_code.required`,
      jar,
    );
    expect((await one.text()).trim().split('\r\n').length - 1).toBe(75);

    const bad = await get('/console/runs/not-a-uuid', jar);
    expect(bad.status).toBe(400);
  });

  it('pages failing rows by keyset: the next page starts after the last id shown', async () => {
    const { jar } = await signIn(fixture.logins.reader);
    // A failing row's line: its row id, entity code, stage and check.
    const linesOf = (page: string) =>
      [
        ...page.matchAll(
          /<td class="n">(\d+)<\/td><td><code>(CON-\d+)<\/code><\/td><td>gate<\/td><td>([a-z._]+)<\/td>/g,
        ),
      ].map((match) => `${match[1]} ${match[2]} ${match[3]}`);
    const seen: string[] = [];
    let next: string | null = `/console/runs/${fixture.runId}`;
    const sizes: number[] = [];
    while (next) {
      const page = await (await get(next, jar)).text();
      sizes.push(linesOf(page).length);
      seen.push(...linesOf(page));
      next = /href="([^"]+)" data-testid="next-page"/.exec(page)?.[1]?.replaceAll('&amp;', '&') ?? null;
    }
    // 150 failures, 50 a page, each exactly once.
    expect(sizes).toEqual([50, 50, 50]);
    expect(new Set(seen).size).toBe(150);
    const beyond = await (await get(`/console/runs/${fixture.runId}?after=999999999`, jar)).text();
    expect(beyond).toContain('No failing row here.');
  });

  it('refuses a forged vote (no or wrong CSRF token) and records nothing', async () => {
    const { jar } = await signIn(fixture.logins.approver);
    const votes = async () =>
      Number(
        (
          await t.db.pool.query<{ n: string }>(
            'select count(*) as n from birth_lane.approval_votes where request_id = $1::bigint',
            [fixture.requestId],
          )
        ).rows[0]!.n,
      );
    const before = await votes();
    for (const csrf of [undefined, 'f'.repeat(64)]) {
      const forged = await fetch(url(`/console/approvals/${fixture.requestId}/vote`), {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieHeader(jar) },
        body: new URLSearchParams({ decision: 'approve', ...(csrf ? { csrf } : {}) }),
      });
      expect(forged.status).toBe(403);
      expect(await forged.text()).toContain('CSRF token');
    }
    expect(await votes()).toBe(before);
  });

  it('casts an approver’s vote as that login through cast_vote, and the database refuses a non-approver', async () => {
    const approver = await signIn(fixture.logins.approver);
    const page = await (await get('/console/approvals', approver.jar)).text();
    expect(page).toContain(`approval-${fixture.requestId}`);
    const vote = await fetch(url(`/console/approvals/${fixture.requestId}/vote`), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieHeader(approver.jar) },
      body: new URLSearchParams({
        decision: 'approve',
        csrf: hiddenField(page, 'csrf'),
        comment: 'seen in the console',
      }),
    });
    expect(vote.status).toBe(200);
    expect(await vote.text()).toContain(`${fixture.logins.approver} voted approve`);
    const { rows } = await t.db.pool.query<{ voter: string; role: string }>(
      'select voter, role from birth_lane.approval_votes where request_id = $1::bigint',
      [fixture.requestId],
    );
    expect(rows).toContainEqual({ voter: fixture.logins.approver, role: 'president' });

    const reader = await signIn(fixture.logins.reader);
    const readerPage = await (await get('/console/approvals', reader.jar)).text();
    expect(readerPage).toContain('holds no approver role');
    const refused = await fetch(url(`/console/approvals/${fixture.requestId}/vote`), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieHeader(reader.jar) },
      body: new URLSearchParams({ decision: 'approve', csrf: hiddenField(readerPage, 'csrf') }),
    });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain(`The database refused the vote of ${fixture.logins.reader}`);
    const after = await t.db.pool.query('select 1 from birth_lane.approval_votes where voter = $1', [
      fixture.logins.reader,
    ]);
    expect(after.rowCount).toBe(0);
  });

  it('shows a pilot’s recorded no-touch verdict with its claims and its Markdown report', async () => {
    const markdown = join(mkdtempSync(join(tmpdir(), 'console-pilot-')), 'proof.md');
    const pilot = await runCli(['pilot', '--sample', '40', '--json', '--markdown', markdown], {
      DATABASE_URL: t.db.connectionString,
    });
    expect(pilot.stderr).not.toContain('not recorded');
    const verdict = JSON.parse(pilot.stdout).proof.verdict as string;
    const { jar } = await signIn(fixture.logins.reader);
    const page = await (await get('/console/pilots', jar)).text();
    expect(testIdText(page, 'pilot-verdict')).toBe(verdict);
    expect(page).toContain('NT-1');
    expect(page).toContain(markdown);
  }, 120_000);

  it('shows markup from the database as text: an approval request’s reason and scope are escaped', async () => {
    const as = new URL(t.db.connectionString);
    as.username = fixture.logins.proposer;
    as.password = fixture.password;
    const proposer = new pg.Pool({ connectionString: as.toString(), max: 1 });
    try {
      await new PostgresApprovalGate(proposer).propose({
        action: 'gate_flip',
        scope: { mode: 'block', test: '<script>alert(1)</script>' },
        risk: 'medium',
        reason: '<img src=x onerror=alert(1)> "quoted" reason',
      });
    } finally {
      await proposer.end();
    }
    const { jar } = await signIn(fixture.logins.approver);
    const page = await (await get('/console/approvals', jar)).text();
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toContain('<img src=x');
    expect(page).not.toContain('<script>alert');
  });

  it('logs out only with the CSRF token, and then the session is gone on the server', async () => {
    const { jar } = await signIn(fixture.logins.reader);
    const page = await (await get('/console/', jar)).text();
    const without = await fetch(url('/console/logout'), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieHeader(jar) },
      body: new URLSearchParams({}),
    });
    expect(without.status).toBe(403);
    expect((await get('/console/', jar)).status).toBe(200);
    const out = await fetch(url('/console/logout'), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieHeader(jar) },
      body: new URLSearchParams({ csrf: hiddenField(page, 'csrf') }),
    });
    expect(out.status).toBe(303);
    // The browser is told to forget the cookie (the server forgot the session already).
    const cleared = out.headers.getSetCookie().filter((line) => line.startsWith('bl_console_session='));
    expect(cleared).toHaveLength(1);
    expect(cleared[0]).toMatch(/^bl_console_session=;.*Expires=Thu, 01 Jan 1970/i);
    const stale = new Map(jar);
    expect((await get('/console/', stale)).status).toBe(401);
  });
});

describe('birth-lane serve with the console', () => {
  it('serves the console beside the agent API in the one process', async () => {
    const serve = startCli(['serve', '--port', '0'], {
      DATABASE_URL: t.db.connectionString,
      BIRTH_LANE_HTTP_TOKEN: HTTP_TOKEN,
    });
    try {
      await serve.waitFor((output) => /http channel listening/.test(output.stdout), 60_000);
      const base = /"url":"(http:\/\/[^"]+)"/.exec(serve.output().stdout)![1]!;
      const login = await fetch(`${base}/console/login`);
      expect(login.status).toBe(200);
      expect(await login.text()).toContain('Sign in');
      expect((await fetch(`${base}/console/`)).status).toBe(401);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
    } finally {
      const ended = await serve.stop();
      expect(ended.code).toBe(0);
    }
  }, 90_000);
});
