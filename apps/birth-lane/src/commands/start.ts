import { listCanonicalCollections, setCanonicalCollections } from '@birth-lane/certify-consumer';
import { runProducer } from '@birth-lane/inspect-producer';
import type { AppConfig } from '../config.js';
import { openDatabase } from '../database/open-database.js';
import { activateWithDemoApprovals } from '../lane/demo-activation.js';
import { type DemoPromotions, promoteWithDemoApprovals } from '../lane/demo-promotions.js';
import { installLane } from '../lane/install-lane.js';
import { DEMO_CANONICAL_COLLECTION, seedRegistry } from '../seed/seed-registry.js';
import { laneStatus } from '../status/lane-status.js';
import { topFailingChecks } from '../status/top-failures.js';
import { progressBar } from './progress-bar.js';

export interface StartOptions {
  readonly rows: number;
  readonly json: boolean;
}

/**
 * The main job, for a newcomer with nothing installed: install the lane into the (embedded)
 * database, seed a realistic registry if it is empty, run the producer with a progress bar, and
 * print what happened. Run it again and it inspects whatever is still uncertified.
 */
export async function startCommand(config: AppConfig, options: StartOptions): Promise<number> {
  const say = (line: string) => (options.json ? process.stderr : process.stdout).write(`${line}\n`);
  const began = performance.now();
  const database = await openDatabase(config);
  try {
    say(`database      ${database.source}`);
    const install = await installLane(database.pool);
    say(
      `lane          ${install.applied.length} install steps applied, ${install.alreadyApplied.length} already in place`,
    );
    if (install.ruleSet.active) {
      say(`rule set      ${install.ruleSet.version} active`);
    } else if (database.embedded) {
      // The demo activates the default the governed way: an approval by separate demo logins.
      const activated = await activateWithDemoApprovals(database.pool, database.url, install.ruleSet.version);
      say(
        `rule set      ${activated.version} active (the default, activated now with approval #${activated.approvalId}: demo proposer, president and two ai_council logins)`,
      );
    } else {
      say(`rule set      ${install.ruleSet.version} saved as a draft; activating it needs an approval:`);
      for (const step of install.nextSteps) say(`                ${step}`);
    }

    if (database.embedded) {
      // The demo's canonical collection: its rows wait for an approved promotion instead of certifying.
      const configured = await listCanonicalCollections(database.pool);
      if (!configured.some((entry) => entry.key === DEMO_CANONICAL_COLLECTION)) {
        await setCanonicalCollections(database.pool, [
          ...configured.map((entry) => entry.collectionName),
          DEMO_CANONICAL_COLLECTION,
        ]);
      }
    }

    const { rows } = await database.pool.query<{ n: number }>(
      'select count(*)::int as n from public.birth_registry',
    );
    if (rows[0]!.n === 0) {
      const seeding = progressBar('seeding  ', options.rows);
      await seedRegistry(database.pool, options.rows, (done) => seeding.update(done));
      seeding.finish();
    } else {
      say(`registry      ${rows[0]!.n.toLocaleString('en')} rows already there; not seeding`);
    }

    const before = await laneStatus(database.pool);
    const inspecting = progressBar('inspecting', before.registry.backlog + before.registry.observed);
    const report = await runProducer(database.pool, {
      channel: 'once',
      concurrency: config.BIRTH_LANE_CONCURRENCY,
      statementTimeoutMs: config.BIRTH_LANE_STATEMENT_TIMEOUT_MS,
      onProgress: ({ scanned }) => inspecting.update(scanned),
    });
    inspecting.finish();
    // The demo's governed path: canonical rows that completed their stamps got promotion requests;
    // the demo president and ai_council logins approve them, and each row is promoted once.
    const promotions: DemoPromotions | null = database.embedded
      ? await promoteWithDemoApprovals(database.pool, database.url)
      : null;
    const after = await laneStatus(database.pool);
    const failing = await topFailingChecks(database.pool, { ruleSetHash: report.ruleSetHash ?? undefined });
    const seconds = (performance.now() - began) / 1000;

    if (options.json) {
      process.stdout.write(
        `${JSON.stringify({ report, status: after, topFailingChecks: failing, promotions, seconds })}\n`,
      );
    } else {
      const n = (value: number) => value.toLocaleString('en').padStart(10);
      say('');
      say(`run ${report.runId} (${report.outcome}) in ${seconds.toFixed(1)} s`);
      say('             passed     failed');
      say(`PEN      ${n(report.passed.pen)} ${n(report.failed.pen)}`);
      say(`STAMP    ${n(report.passed.stamp)} ${n(report.failed.stamp)}`);
      say(`GATE     ${n(report.passed.gate)} ${n(report.failed.gate)}`);
      say(
        `certified now   ${after.registry.certified.toLocaleString('en')} (was ${before.registry.certified.toLocaleString('en')})`,
      );
      if (promotions !== null && promotions.awaiting > 0) {
        say(
          `canonical       ${promotions.awaiting.toLocaleString('en')} ${DEMO_CANONICAL_COLLECTION} rows got promotion requests instead of certification;`,
        );
        say(
          `                ${promotions.promoted.toLocaleString('en')} promoted after approval by the demo president and two ai_council logins`,
        );
      }
      say(`ambiguous       ${report.ambiguous.toLocaleString('en')} rows left alone and recorded`);
      say(`observed        ${report.skipped.toLocaleString('en')} rows skipped (out of scope)`);
      say('top failing checks:');
      for (const check of failing)
        say(`  ${check.rows.toLocaleString('en').padStart(8)}  ${check.stage.padEnd(6)} ${check.checkId}`);
      say(`evidence        birth_lane.evidence (run_id = '${report.runId}'), e.g.`);
      say(
        `                select stage, check_id, entity_code, message from birth_lane.evidence where run_id = '${report.runId}' limit 20;`,
      );
      say(
        `connect         psql ${database.url.replace(/:[^:@/]+@/, ':***@')}  (while a birth-lane command runs)`,
      );
    }
    return report.outcome === 'completed' ? 0 : 1;
  } finally {
    await database.close();
  }
}
