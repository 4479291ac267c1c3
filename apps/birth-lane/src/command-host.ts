import { createRequire } from 'node:module';
import type { ActiveRuleSetSource, CommandHost, LaneRoleNeed } from '@birth-lane/contract/cli';
import { loadConfig } from './config.js';

/**
 * The app's side of the error boundary (`explainError` in @birth-lane/contract/cli): filled in as
 * a command goes (the role it needs, the login it connected as), so the boundary can name the
 * exact GRANT. One command per process, so one mutable record is enough.
 */
export const errorContext: { needs?: LaneRoleNeed; login?: string } = {};

// cli.ts imports this host to register the packages' commands, so it must not load pino (about
// 150 ms) for `--help` or `status`; standingOutput is synchronous, so it requires pino when called.
const requireWhenCalled = createRequire(import.meta.url);

/**
 * The app's side of the contract's CommandHost: what a package's commands get from the app. Each
 * member loads its modules when called, so registering a package's command loads only commander.
 */
export const commandHost: CommandHost & ActiveRuleSetSource = {
  settings() {
    const config = loadConfig();
    return {
      httpToken: config.BIRTH_LANE_HTTP_TOKEN,
      statementTimeoutMs: config.BIRTH_LANE_STATEMENT_TIMEOUT_MS,
    };
  },
  async openDatabase(options) {
    const [{ openDatabase }, { LANE_SESSION_OPTIONS }] = await Promise.all([
      import('./database/open-database.js'),
      import('@birth-lane/contract'),
    ]);
    const database = await openDatabase(loadConfig(), options);
    return {
      pool: database.pool,
      url: database.url,
      sessionOptions: LANE_SESSION_OPTIONS,
      source: database.source,
      close: () => database.close(),
    };
  },
  async createProducer(db) {
    const { createProducer } = await import('@birth-lane/inspect-producer');
    const config = loadConfig();
    return createProducer(db, {
      concurrency: config.BIRTH_LANE_CONCURRENCY,
      statementTimeoutMs: config.BIRTH_LANE_STATEMENT_TIMEOUT_MS,
    });
  },
  async inspectionCompiler() {
    const { inspectionCompiler } = await import('@birth-lane/inspect-producer');
    return inspectionCompiler;
  },
  standingOutput({ json, bindings }) {
    const config = loadConfig();
    const pino = requireWhenCalled('pino') as typeof import('pino');
    const options = {
      level: config.BIRTH_LANE_LOG_LEVEL,
      base: { app: 'birth-lane', pid: process.pid, ...bindings },
    };
    // Logs are JSON lines on stdout (createLogger's shape), except under --json: then stdout
    // carries only the run reports (one per line, for jq or a collector) and the logs move to stderr.
    if (!json) return { log: pino(options), report: () => undefined };
    const log = pino(options, pino.destination({ fd: 2, sync: true }));
    return {
      log,
      report: (report, job) =>
        process.stdout.write(`${JSON.stringify(job ? { ...report, ...job } : report)}\n`),
    };
  },
  async runUntilSignalled(channel, runner, log) {
    const { runUntilSignalled } = await import('./channels/until-signalled.js');
    await runUntilSignalled(channel, runner, log);
  },
  needsRole(role) {
    errorContext.needs = role;
  },
  async httpPlugins(database, log) {
    const { consolePlugins } = await import('./console/console-plugins.js');
    return consolePlugins(loadConfig(), database, log);
  },
  async activeRuleSetHash(db) {
    const { loadActiveRuleSet } = await import('@birth-lane/inspect-producer');
    const active = await loadActiveRuleSet(db);
    return active.ok ? active.hash : null;
  },
};
