import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT_CODES } from '@birth-lane/contract';
import { useTestDatabase } from '@birth-lane/test-kit';
import { beforeAll, describe, expect, it } from 'vitest';
import { activeLaneTemplate } from './active-lane-template.js';
import { runCli, startCli } from './run-cli.js';

const t = useTestDatabase({ template: activeLaneTemplate, name: 'channel-module' });

// The example package, built to JavaScript as a user's package would be (the binary may be the
// built one, which cannot load TypeScript), named by path; by package name in a project that
// installed it (docs/replacing-a-block.md).
const EXAMPLE_DIR = fileURLToPath(new URL('../../../examples/interval-channel/', import.meta.url));
const EXAMPLE = `${EXAMPLE_DIR}dist/index.js`;

beforeAll(() => {
  execFileSync(`${EXAMPLE_DIR}node_modules/.bin/tsup`, ['--no-dts', '--silent'], {
    cwd: EXAMPLE_DIR,
    stdio: 'pipe',
  });
}, 60_000);

describe('birth-lane channel: a channel from another package, wired by configuration', () => {
  it('runs the example interval channel from BIRTH_LANE_CHANNEL_MODULE and inspects the births', async () => {
    await t.db.pool.query(
      `insert into public.birth_registry (entity_code, collection_name, species_code, dot_origin, name, description, status)
       values ('ENT-101', 'fauna', 'SP-MAMMAL', 'dot://a', 'A cat', 'A small domesticated mammal.', 'active'),
              ('bad code', 'fauna', 'SP-MAMMAL', 'dot://b', 'A dog', 'A loyal domesticated mammal.', 'active')`,
    );
    const cli = startCli(['channel'], {
      DATABASE_URL: t.db.connectionString,
      BIRTH_LANE_CHANNEL_MODULE: EXAMPLE,
      BIRTH_LANE_CHANNEL_SETTINGS: '{"everyMs":100}',
    });
    try {
      await expect
        .poll(
          async () =>
            (
              await t.db.pool.query(
                `select count(*)::int as n from public.birth_registry where inspect_pen is not null`,
              )
            ).rows[0].n,
          { timeout: 30_000, interval: 200 },
        )
        .toBe(1);
    } finally {
      const exit = await cli.stop();
      expect(exit.code, `${exit.stdout}\n${exit.stderr}`).toBe(0);
    }
    const { rows: certified } = await t.db.pool.query(
      'select entity_code from public.birth_registry where certified order by id',
    );
    expect(certified.map((row) => row.entity_code)).toEqual(['ENT-101']);
    const { rows: reports } = await t.db.pool.query(
      `select count(*)::int as n from birth_lane.evidence where kind = 'run_report' and payload->'report'->>'channel' = 'schedule'`,
    );
    expect(reports[0].n).toBeGreaterThan(0);
    const { rows: beats } = await t.db.pool.query(
      'select channel, state from birth_lane.producer_heartbeats',
    );
    expect(beats).toEqual([{ channel: 'schedule', state: 'stopped' }]);
  });

  it('exits 64 naming the settings field the module refuses', async () => {
    const result = await runCli(['channel', '--module', EXAMPLE, '--settings', '{"everyMs":1}'], {
      DATABASE_URL: t.db.connectionString,
    });
    expect(result.code).toBe(EXIT_CODES.usage);
    expect(result.stderr).toMatch(/everyMs/);
  });

  it('exits 64 when the module cannot be found or is not a channel module', async () => {
    const missing = await runCli(['channel', '--module', '@acme/no-such-channel'], {
      DATABASE_URL: t.db.connectionString,
    });
    expect(missing.code).toBe(EXIT_CODES.usage);
    expect(missing.stderr).toMatch(/cannot find the channel module "@acme\/no-such-channel"/);
    const notChannel = await runCli(
      ['channel', '--module', fileURLToPath(import.meta.url).replace(/test\/.*$/, 'src/config.ts')],
      {
        DATABASE_URL: t.db.connectionString,
      },
    );
    expect(notChannel.code).toBe(EXIT_CODES.usage);
    expect(notChannel.stderr).toMatch(/channelModule/);
  });

  it('exits 64 naming the module when it breaks the contract: a URL, a folder, an unknown channel name, a run under another name', async () => {
    const env = { DATABASE_URL: t.db.connectionString };
    const reports = async () =>
      (await t.db.pool.query(`select count(*)::int as n from birth_lane.evidence where kind = 'run_report'`))
        .rows[0].n;
    const reportsBefore = await reports();
    const url = await runCli(['channel', '--module', 'data:text/javascript,export default 1'], env);
    expect(url.code).toBe(EXIT_CODES.usage);
    expect(url.stderr).toMatch(/not a URL/);
    const folder = await runCli(['channel', '--module', EXAMPLE_DIR], env);
    expect(folder.code).toBe(EXIT_CODES.usage);
    expect(folder.stderr).toMatch(/is a folder: give its module file/);

    // Modules of a user's own, outside any package: no imports, a schema-like settingsSchema.
    const dir = mkdtempSync(join(tmpdir(), 'channel-module-'));
    const moduleFile = (name: string, runAs: string) => {
      const file = join(dir, `${name}.mjs`);
      writeFileSync(
        file,
        `export const channelModule = {
          specificationVersion: 'v1',
          settingsSchema: { safeParse: (input) => ({ success: true, data: input }) },
          createChannel: () => ({
            specificationVersion: 'v1',
            name: '${name}',
            async start(runner) { await runner.run({ channel: '${runAs}' }); },
            async stop() {},
          }),
        };\n`,
      );
      return file;
    };
    const unnamed = await runCli(['channel', '--module', moduleFile('mine', 'mine')], env);
    expect(unnamed.code).toBe(EXIT_CODES.usage);
    expect(unnamed.stderr).toMatch(/made a channel named "mine"; a channel's name must be one of/);
    const wrongRun = await runCli(['channel', '--module', moduleFile('schedule', 'http')], env);
    expect(wrongRun.code).toBe(EXIT_CODES.usage);
    expect(wrongRun.stderr).toMatch(/asked for a run as "http", but its channel is "schedule"/);
    expect(await reports()).toBe(reportsBefore);
  });
});
