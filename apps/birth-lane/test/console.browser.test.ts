import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { useTestDatabase } from '@birth-lane/test-kit';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { activeLaneTemplate } from './active-lane-template.js';
import { type ConsoleFixture, startConsoleFixture } from './console-fixture.js';
import { runCli } from './run-cli.js';

/**
 * The console in a real browser: Debian's Chromium, headless, driven by playwright-core. Where no
 * Chromium is installed the file is skipped with the reason printed, unless
 * BIRTH_LANE_REQUIRE_CHROMIUM=1 (set by .ci/run after installing it): then it fails.
 */
const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = fileURLToPath(new URL('../test-output/console-screenshots/', import.meta.url));
const available = existsSync(CHROMIUM);
if (!available) {
  if (process.env['BIRTH_LANE_REQUIRE_CHROMIUM'] === '1') {
    throw new Error(`BIRTH_LANE_REQUIRE_CHROMIUM=1 but ${CHROMIUM} is missing: apt-get install chromium`);
  }
  process.stderr.write(
    `console.browser.test.ts skipped: no Chromium at ${CHROMIUM} (apt-get install chromium; .ci/run does, and sets BIRTH_LANE_REQUIRE_CHROMIUM=1)\n`,
  );
}

const t = useTestDatabase({ template: activeLaneTemplate });
let fixture: ConsoleFixture;
let browser: Browser;
const cspRefusals: string[] = [];

beforeAll(async () => {
  if (!available) return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  fixture = await startConsoleFixture(t);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}, 120_000);
afterEach(() => {
  expect(cspRefusals).toEqual([]);
});
afterAll(async () => {
  await browser?.close();
  await fixture?.close();
});

/** A fresh browser context (its own cookies), signed in as `login` through the form. */
async function signedIn(login: string): Promise<Page> {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  // A script or style refused by the CSP shows in the console: the console has none inline, so
  // none may be refused (checked after each test).
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspRefusals.push(message.text());
  });
  await page.goto(`${fixture.channel.url}/console/`);
  await page.fill('input[name="login"]', login);
  await page.fill('input[name="password"]', fixture.password);
  await Promise.all([page.waitForURL(/\/console\/$/), page.click('button[type="submit"]')]);
  return page;
}

const number = async (page: Page, testId: string) =>
  Number(((await page.getByTestId(testId).textContent()) ?? '').replaceAll(',', ''));

describe.skipIf(!available)('the console in headless Chromium', () => {
  it('asks for a login first, then shows the overview with the numbers status --json reports', async () => {
    const context = await browser.newContext();
    const anonymous = await context.newPage();
    const response = await anonymous.goto(`${fixture.channel.url}/console/runs`);
    expect(response!.status()).toBe(401);
    await expect(anonymous.locator('input[name="password"]').count()).resolves.toBe(1);
    await anonymous.screenshot({ path: `${SCREENSHOTS}login.png`, fullPage: true });
    await context.close();

    const page = await signedIn(fixture.logins.reader);
    // The counts come from a background reading (never from a request): reload until it is taken.
    for (
      let waited = 0;
      waited < 100 && (await page.getByTestId('overview-counting').count()) > 0;
      waited += 1
    ) {
      await page.waitForTimeout(200);
      await page.reload();
    }
    const status = JSON.parse(
      (await runCli(['status', '--json'], { DATABASE_URL: t.db.connectionString })).stdout,
    );
    expect(await number(page, 'registry-total')).toBe(status.registry.total);
    expect(await number(page, 'registry-backlog')).toBe(status.registry.backlog);
    expect(await number(page, 'funnel-governed')).toBe(status.registry.governed);
    expect(await number(page, 'funnel-pen')).toBe(status.registry.stamped.pen);
    expect(await number(page, 'funnel-stamp')).toBe(status.registry.stamped.stamp);
    expect(await number(page, 'funnel-gate')).toBe(status.registry.stamped.gate);
    expect(await number(page, 'funnel-certified')).toBe(status.registry.certified);
    expect(await page.getByTestId('rule-set-version').textContent()).toBe(status.ruleSet.version);
    expect(await page.getByTestId('rule-set-hash').textContent()).toBe(status.ruleSet.hash);
    // The chart's script (a file, allowed by the CSP) ran and drew uPlot's canvas.
    await page.waitForSelector('#burndown[data-drawn="true"] canvas', { timeout: 10_000 });
    await page.screenshot({ path: `${SCREENSHOTS}overview.png`, fullPage: true });
    await page.context().close();
  });

  it('opens a run and its failures, follows a check, and exports the CSV', async () => {
    const page = await signedIn(fixture.logins.reader);
    await page.click('nav >> text=Runs');
    await page.screenshot({ path: `${SCREENSHOTS}runs.png`, fullPage: true });
    await page.getByTestId('run-link').first().click();
    await page.waitForURL(new RegExp(`/console/runs/${fixture.runId}$`));
    expect(await page.getByTestId('run-scanned').textContent()).toBe('150');
    const rows = page.getByTestId('failures').locator('tbody tr');
    expect(await rows.count()).toBe(50);
    expect(await rows.first().textContent()).toMatch(/CON-\d{3}/);
    await page.screenshot({ path: `${SCREENSHOTS}run.png`, fullPage: true });

    await page.click('text=gate.species_code.required');
    await page.waitForURL(/check=gate\.species_code\.required/);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('csv-link').click(),
    ]);
    const csv = readFileSync((await download.path())!, 'utf8')
      .trim()
      .split('\r\n');
    expect(csv[0]).toBe('evidence_id,recorded_at,run_id,row_id,entity_code,stage,check_id,message');
    expect(csv).toHaveLength(1 + 75);
    expect(csv.slice(1).every((line) => line.includes(',gate.species_code.required,'))).toBe(true);

    await page.click('nav >> text=Failures');
    await page.click('text=gate.species_code.required');
    await page.waitForSelector('[data-testid="failures"]');
    await page.screenshot({ path: `${SCREENSHOTS}failures.png`, fullPage: true });
    await page.click('nav >> text=Pilots & backlog');
    await page.screenshot({ path: `${SCREENSHOTS}pilots.png`, fullPage: true });
    await page.context().close();
  });

  it('casts a vote as an approver login, and the database refuses a login without the approver role', async () => {
    const approver = await signedIn(fixture.logins.approver);
    await approver.click('nav >> text=Approvals');
    expect(await approver.getByTestId('my-roles').textContent()).toContain('birth_lane_president');
    await approver.getByTestId(`approval-${fixture.requestId}`).locator('button[value="approve"]').click();
    await approver.waitForSelector('[data-testid="vote-result"]');
    expect(await approver.getByTestId('vote-result').textContent()).toContain(
      `${fixture.logins.approver} voted approve on request #${fixture.requestId}`,
    );
    await approver.screenshot({ path: `${SCREENSHOTS}approvals.png`, fullPage: true });
    await approver.context().close();
    const { rows } = await t.db.pool.query<{ voter: string; role: string }>(
      'select voter, role from birth_lane.approval_votes where request_id = $1::bigint',
      [fixture.requestId],
    );
    expect(rows).toEqual([{ voter: fixture.logins.approver, role: 'president' }]);

    const reader = await signedIn(fixture.logins.reader);
    await reader.click('nav >> text=Approvals');
    await reader.getByTestId(`approval-${fixture.requestId}`).locator('button[value="approve"]').click();
    await reader.waitForSelector('[data-testid="vote-result"]');
    expect(await reader.getByTestId('vote-result').textContent()).toContain(
      `The database refused the vote of ${fixture.logins.reader}`,
    );
    await reader.screenshot({ path: `${SCREENSHOTS}approvals-refused.png`, fullPage: true });
    await reader.context().close();
    const after = await t.db.pool.query('select 1 from birth_lane.approval_votes where voter = $1', [
      fixture.logins.reader,
    ]);
    expect(after.rowCount).toBe(0);
  });
});
