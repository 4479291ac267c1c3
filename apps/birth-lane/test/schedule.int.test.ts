import type { Queryable, RunReport } from '@birth-lane/contract';
import { EXIT_CODES } from '@birth-lane/contract';
import { useTestDatabase } from '@birth-lane/test-kit';
import { beforeAll, describe, expect, it } from 'vitest';
import { activeLaneTemplate } from './active-lane-template.js';
import { runCli, startCli } from './run-cli.js';

/*
 * The schedule channel's own behaviour (one run per tick across instances, no overlap, a graceful
 * stop, pg-boss's schema permissions) is tested in @birth-lane/channel-pg-boss. Here: that the app
 * composes it, through the real binary, with the real producer on an installed lane.
 */

/** `count` births; every 5th lacks a name (fails STAMP), every 23rd is observed (out of scope). */
async function seed(db: Queryable, count: number): Promise<void> {
  await db.query(
    `insert into public.birth_registry (entity_code, collection_name, species_code, dot_origin, name, description, status, governance_role)
     select 'ENT-' || lpad(g::text, 7, '0'), 'fauna', 'SP-MAMMAL', 'dot://schedule-test',
            case when g % 5 = 0 then null else 'A cat' end, 'A small domesticated mammal.', 'active',
            case when g % 23 = 0 then 'observed' else 'governed' end
       from generate_series(1, $1::int) as g`,
    [count],
  );
}

async function heartbeatStates(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ state: string }>(
    `select state from birth_lane.producer_heartbeats where channel = 'schedule' order by instance_id`,
  );
  return rows.map((row) => row.state);
}

describe('birth-lane schedule (the real CLI)', () => {
  const t = useTestDatabase({ template: activeLaneTemplate });
  beforeAll(async () => {
    await seed(t.db.pool, 50);
  });

  it("refuses an expression pg-boss cannot fire with exit 64, in the app's words", async () => {
    // The package's commands get the program's conventions (exit codes, error output) from the app.
    const result = await runCli(['schedule', '--cron', '61 * * * *'], {
      DATABASE_URL: t.db.connectionString,
    });
    expect(result.code).toBe(EXIT_CODES.usage);
    expect(result.stderr).toMatch(
      /^birth-lane: option '--cron <expression>' argument '61 \* \* \* \*' is invalid\. --cron is not valid: .*61/,
    );
  });

  it('stands, fires on the cron, prints each run report with --json, and exits 0 on SIGTERM', async () => {
    const cli = startCli(['schedule', '--cron', '* * * * *', '--json'], {
      DATABASE_URL: t.db.connectionString,
    });
    try {
      // Due at once ("* * * * *"); pg-boss moves the tick within its 5 s cron worker interval.
      await cli.waitFor(({ stdout }) => stdout.includes('"channel":"schedule"'), 30_000);
      const report = JSON.parse(cli.output().stdout.trim().split('\n')[0]!) as RunReport;
      expect(report).toMatchObject({
        channel: 'schedule',
        outcome: 'completed',
        scanned: 48,
        passed: { pen: 48, stamp: 38, gate: 38 },
      });
      expect(cli.output().stderr).toMatch(/"msg":"schedule fired"/);
      await expect.poll(() => heartbeatStates(t.db.pool)).toEqual(['idle']);
    } finally {
      const exit = await cli.stop();
      expect(exit.code).toBe(0);
    }
    expect(await heartbeatStates(t.db.pool)).toEqual(['stopped']);
  });
});
