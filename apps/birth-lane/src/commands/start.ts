import { listCanonicalCollections, setCanonicalCollections } from '@birth-lane/certify-consumer';
import {
  EXIT_CODES,
  exitCodeFor,
  LANE_SESSION_OPTIONS,
  type ProofVerdict,
  REGISTRY_TABLE,
  readTopFailingChecks,
} from '@birth-lane/contract';
import { CliError, progressBar, quoteRole } from '@birth-lane/contract/cli';
import { inspectionCompiler, runProducer } from '@birth-lane/inspect-producer';
import type pg from 'pg';
import type { AppConfig } from '../config.js';
import { openDatabase } from '../database/open-database.js';
import { installThroughPlan } from '../install/start-install.js';
import { activateWithDemoApprovals } from '../lane/demo-activation.js';
import { demoDraftRuleSet } from '../lane/demo-draft-rule-set.js';
import { type DemoPromotions, promoteWithDemoApprovals } from '../lane/demo-promotions.js';
import { runPilot } from '../pilot/run-pilot.js';
import { stopRequested } from '../process/interrupt.js';
import { DEMO_CANONICAL_COLLECTION, seedRegistry, seedState } from '../seed/seed-registry.js';
import { laneStatus } from '../status/lane-status.js';

export interface StartOptions {
  readonly rows: number;
  readonly json: boolean;
}

/** pg_advisory_lock(classid, objid): "birth-lane start" on this database; two starts take turns. */
const START_LOCK = [0x62697274, 1] as const;

/**
 * The main job, for a newcomer with nothing installed: install the lane into the (embedded)
 * database, seed a realistic registry if it is empty (or finish a seeding that was interrupted),
 * run the producer with a progress bar, and print what this run did. Run it again and it inspects
 * whatever is still uncertified. SIGINT/SIGTERM stop it between seeding chunks or after the
 * producer's batch in flight; the run report is written and it exits 3.
 */
export async function startCommand(config: AppConfig, options: StartOptions): Promise<number> {
  const say = (line: string) => (options.json ? process.stderr : process.stdout).write(`${line}\n`);
  const began = performance.now();
  const database = await openDatabase(config);
  const lock = await database.pool.connect();
  try {
    say(`database      ${database.source}`);
    await takeStartLock(lock, database.url, say);
    if (stopRequested.aborted) return EXIT_CODES.stopped;

    // Before anything is installed: seeding the demo registry needs a superuser. Say so now.
    const plan = await seedingPlan(database.pool);
    if (plan.needsSeeding && !plan.superuser) {
      throw new CliError(
        'noPermission',
        `the registry is empty and seeding the demo registry needs a superuser (it loads field history with the lane's triggers off, session_replication_role = replica); ${plan.login} is not one. Nothing was installed.\n` +
          `Use a scratch server where you may run as a superuser (e.g. \`alter role ${quoteRole(plan.login)} superuser;\`), ` +
          'or unset DATABASE_URL for the embedded PostgreSQL; on a real registry run `birth-lane install` and then `birth-lane run`.',
      );
    }

    // The install plan: on the embedded demo database the same gated flow a real install takes
    // (rehearsed with proof, one approval per step, verified), approved by labelled demo logins.
    // On DATABASE_URL nothing commits without real approvals: the plan is printed, and start stops.
    const planned = await installThroughPlan(database, say);
    if (planned.stop) return EXIT_CODES.stop_condition;
    const install = planned.lane;
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

    const seeded = await seed(database.pool, options.rows, say);
    if (seeded === 'stopped') return EXIT_CODES.stopped;

    const before = await laneStatus(database.pool);
    const inspecting = progressBar('inspecting', before.registry.backlog + before.registry.observed);
    const report = await runProducer(database.pool, {
      channel: 'once',
      concurrency: config.BIRTH_LANE_CONCURRENCY,
      statementTimeoutMs: config.BIRTH_LANE_STATEMENT_TIMEOUT_MS,
      signal: stopRequested,
      onProgress: ({ scanned }) => inspecting.update(scanned),
    });
    // The bar ends on the report's own count (inspected + observed skipped), not on the estimate.
    inspecting.finish(report.scanned + report.skipped);
    // The demo's governed path: canonical rows that completed their stamps got promotion requests;
    // the demo president and ai_council logins approve them, and each row is promoted once.
    const promotions: DemoPromotions | null =
      database.embedded && !stopRequested.aborted
        ? await promoteWithDemoApprovals(database.pool, database.url)
        : null;
    const after = await laneStatus(database.pool);
    const failing = await readTopFailingChecks(database.pool, { runId: report.runId });
    const seconds = (performance.now() - began) / 1000;
    // The closing rehearsal comes after the run's figures (its own time is not the run's).
    const rehearse = () => (stopRequested.aborted ? Promise.resolve(null) : demoPilot(database.pool, say));
    const certifiedByThisRun = Math.max(0, after.registry.certified - before.registry.certified);

    if (options.json) {
      const pilot = await rehearse();
      process.stdout.write(
        `${JSON.stringify({
          report,
          thisRun: { certified: certifiedByThisRun, topFailingChecks: failing, promotions },
          pilot,
          cumulative: { status: after },
          seconds,
        })}\n`,
      );
    } else {
      const n = (value: number) => value.toLocaleString('en').padStart(10);
      say('');
      say(
        `run ${report.runId} (${report.outcome}) in ${seconds.toFixed(1)} s${report.detail ? `: ${report.detail}` : ''}`,
      );
      say('this run:    passed     failed');
      say(`PEN      ${n(report.passed.pen)} ${n(report.failed.pen)}`);
      say(`STAMP    ${n(report.passed.stamp)} ${n(report.failed.stamp)}`);
      say(`GATE     ${n(report.passed.gate)} ${n(report.failed.gate)}`);
      say(`certified       ${certifiedByThisRun.toLocaleString('en')} rows by this run`);
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
      const failedRows = report.failed.pen + report.failed.stamp + report.failed.gate;
      if (failing.length > 0) {
        say('top failing checks (new failures this run recorded):');
        for (const check of failing)
          say(`  ${check.rows.toLocaleString('en').padStart(8)}  ${check.stage.padEnd(6)} ${check.checkId}`);
      } else if (failedRows > 0) {
        // A failure is recorded once per row, check and rule set: a re-run finds them on record.
        say(
          'failing checks  already on record from earlier runs (recorded once per row, check and rule set)',
        );
      }
      say(
        `registry        ${after.registry.certified.toLocaleString('en')} certified of ${after.registry.total.toLocaleString('en')} rows, ` +
          `${after.registry.backlog.toLocaleString('en')} uncertified governed (cumulative, all runs)`,
      );
      say('evidence        birth-lane runs                        runs on record');
      say(
        failing.length > 0
          ? `                birth-lane failures --run ${report.runId.slice(0, 8)}…  (the full id above)`
          : '                birth-lane failures                    failures on record, newest first',
      );
      say("                birth-lane explain <entity_code>       one row's story");
      say('                birth-lane status                      the whole lane');
      if (database.embedded)
        say('psql            birth-lane db start, then psql "$(birth-lane db url)"   (db stop when done)');
      const pilot = await rehearse();
      if (pilot !== null) say(pilotLine(pilot));
    }
    return exitCodeFor(report.outcome);
  } finally {
    lock.release();
    await database.close();
  }
}

/** The pilot's outcome in the summary: the draft it rehearsed and the no-touch verdict. */
interface StartPilot {
  readonly surfaceId: string;
  readonly ruleSetVersion: string;
  readonly rows: number;
  readonly passedGate: number;
  readonly verdict: ProofVerdict;
  readonly brokenClaims: readonly string[];
}

/**
 * The main job's last act: a short rehearsal of a draft rule set (the active one with a stricter
 * description) on a sample, on a staging surface that is dropped again, with the no-touch verdict.
 * Nothing is stored or activated. Skipped when no rule set is active (there is nothing to draft from).
 */
async function demoPilot(pool: pg.Pool, say: (line: string) => void): Promise<StartPilot | null> {
  const active = await inspectionCompiler.compiledRuleSet(pool);
  if (active === null) return null;
  const draft = demoDraftRuleSet(active.ruleSet);
  say(
    `pilot           rehearsing draft ${draft.version} on a sample of ${DEMO_PILOT_SAMPLE.toLocaleString('en')} rows (a staging surface, then the no-touch proof)…`,
  );
  const result = await runPilot(pool, {
    compiler: inspectionCompiler,
    input: { kind: 'sample', size: DEMO_PILOT_SAMPLE },
    ruleSet: { kind: 'document', ruleSet: draft, source: 'the demo draft (start)' },
  });
  return {
    surfaceId: result.surfaceId,
    ruleSetVersion: draft.version,
    rows: result.staging.counts.rows,
    passedGate: result.staging.counts.passed.gate,
    verdict: result.proof.verdict,
    brokenClaims: result.proof.claims.filter((claim) => claim.holds !== true).map((claim) => claim.id),
  };
}

const DEMO_PILOT_SAMPLE = 1_000;

function pilotLine(pilot: StartPilot): string {
  const undecided = pilot.brokenClaims.length > 0 ? ` (not holding: ${pilot.brokenClaims.join(', ')})` : '';
  return (
    `pilot           draft ${pilot.ruleSetVersion} on ${pilot.rows.toLocaleString('en')} sampled rows: ${pilot.passedGate.toLocaleString('en')} would pass all three stages; ` +
    `surface ${pilot.surfaceId} dropped; no-touch verdict ${pilot.verdict}${undecided}   (birth-lane pilot --help)`
  );
}

/** Two starts on one database take turns: the second waits (and says so) instead of colliding. */
async function takeStartLock(client: pg.PoolClient, url: string, say: (line: string) => void): Promise<void> {
  const { rows } = await client.query<{ got: boolean }>(
    'select pg_try_advisory_lock($1::int, $2::int) as got',
    [...START_LOCK],
  );
  if (rows[0]!.got) return;
  say('waiting       another `birth-lane start` is running on this database; this one goes on when it ends');
  // Waiting can be interrupted: Ctrl-C cancels the wait (pg_cancel_backend from a second session).
  const pid = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
  const cancel = () => void cancelBackend(url, pid);
  stopRequested.addEventListener('abort', cancel, { once: true });
  try {
    await client.query('select pg_advisory_lock($1::int, $2::int)', [...START_LOCK]);
  } catch (error) {
    if (stopRequested.aborted) return;
    throw error;
  } finally {
    stopRequested.removeEventListener('abort', cancel);
  }
}

async function cancelBackend(url: string, pid: number): Promise<void> {
  const { Client } = (await import('pg')).default;
  const other = new Client({ connectionString: url, options: LANE_SESSION_OPTIONS });
  try {
    await other.connect();
    await other.query('select pg_cancel_backend($1::int)', [pid]);
  } finally {
    await other.end().catch(() => undefined);
  }
}

async function seedingPlan(
  db: pg.Pool,
): Promise<{ needsSeeding: boolean; superuser: boolean; login: string }> {
  const { rows } = await db.query<{ login: string; superuser: boolean; registry: boolean }>(
    `select session_user as login,
            (select rolsuper from pg_roles where rolname = session_user) as superuser,
            to_regclass('${REGISTRY_TABLE}') is not null as registry`,
  );
  const { login, superuser, registry } = rows[0]!;
  if (!registry) return { needsSeeding: true, superuser, login };
  const state = await seedState(db);
  if (state && !state.complete) return { needsSeeding: true, superuser, login };
  const { rows: any } = await db.query<{ some: boolean }>(
    `select exists (select 1 from ${REGISTRY_TABLE}) as some`,
  );
  return { needsSeeding: !any[0]!.some, superuser, login };
}

async function seed(db: pg.Pool, rows: number, say: (line: string) => void): Promise<'done' | 'stopped'> {
  const state = await seedState(db);
  const { rows: counted } = await db.query<{ n: number }>(`select count(*)::int as n from ${REGISTRY_TABLE}`);
  const present = counted[0]!.n;
  if (present > 0 && (state === null || state.complete)) {
    say(`registry      ${present.toLocaleString('en')} rows already there; not seeding`);
    return 'done';
  }
  if (present === 0 && state?.complete) await db.query('delete from birth_lane.demo_seed');
  const target = state && !state.complete ? state.targetRows : rows;
  if (state && !state.complete)
    say(
      `seeding       resuming an interrupted seeding: ${state.seededThrough.toLocaleString('en')} of ${target.toLocaleString('en')} rows were already in`,
    );
  const seeding = progressBar('seeding   ', target);
  const result = await seedRegistry(db, rows, (done) => seeding.update(done), { signal: stopRequested });
  seeding.finish(result.seededThrough);
  if (!result.complete) {
    say(
      `seeding       stopped at ${result.seededThrough.toLocaleString('en')} of ${result.targetRows.toLocaleString('en')} rows (whole chunks only); \`birth-lane start\` again finishes it`,
    );
    return 'stopped';
  }
  return 'done';
}
