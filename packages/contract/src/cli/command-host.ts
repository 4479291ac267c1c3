import type { InspectionCompiler } from '../ports/inspection-compiler.js';
import type { ProducerChannel, ProducerRunner } from '../ports/producer.js';
import type { Database } from '../ports/queryable.js';
import type { RunReport } from '../run-report.js';
import type { ChannelLogger } from '../runtime/channel-logger.js';

/** The database a command was given: the app's pool and how to reach the same server again. */
export interface HostDatabase {
  /** The pool every statement of the command shares. */
  readonly pool: Database;
  /**
   * A connection string with credentials, for libraries that open sessions of their own (pg-boss,
   * a LISTEN session). Never print it: it may hold a password.
   */
  readonly url: string;
  /**
   * The libpq `options` every session of the app starts with (the lane's hardened search_path),
   * for the sessions such a library opens itself; pass them on as `pg`'s `options`.
   */
  readonly sessionOptions?: string;
  /** Where the server came from, for people: `DATABASE_URL` or the embedded data directory. */
  readonly source: string;
  close(): Promise<void>;
}

/** Where a standing command writes: logs, and (under --json) one run report per line on stdout. */
export interface StandingOutput {
  readonly log: ChannelLogger;
  report(report: RunReport, job?: Readonly<Record<string, string>>): void;
}

/** The lane roles a command may run as, so a refused privilege can be answered with one GRANT. */
export type LaneRoleNeed = 'birth_lane_reader' | 'birth_lane_producer' | 'owner';

/** Settings the app read from its environment that package commands use. */
export interface HostSettings {
  /** Bearer token of the HTTP agent API (BIRTH_LANE_HTTP_TOKEN), when set. */
  readonly httpToken?: string;
  /** The lane's statement_timeout in ms (BIRTH_LANE_STATEMENT_TIMEOUT_MS). */
  readonly statementTimeoutMs: number;
}

/**
 * What the app gives the commands a package contributes (`xCommand(host)`), so a package's command
 * line needs nothing of the app but this port: the app decides which database, which producer
 * implementation and how logs look; the package only maps its flags to its settings and runs.
 *
 * Everything is asked for when a command runs, never when it is registered: reading the
 * environment or opening a database must not happen for `--help`.
 */
export interface CommandHost {
  /** The app's settings, read and checked (a bad variable is reported by name here). */
  settings(): HostSettings;
  /**
   * Opens the app's one database (DATABASE_URL, else the embedded PostgreSQL). `poolSize` is for a
   * command that knows how many connections it holds at once (a worker's team); else the app's.
   */
  openDatabase(options?: { readonly poolSize?: number }): Promise<HostDatabase>;
  /** The producer block, wired to `db` the way the app runs it (concurrency, statement timeout). */
  createProducer(db: Database): Promise<ProducerRunner>;
  /**
   * The inspection producer's rule compiler (the app wires it), for blocks that judge rows the way
   * production does without depending on the producer: the staging surface.
   */
  inspectionCompiler(): Promise<InspectionCompiler>;
  /** Logs for a standing command; with `json`, stdout carries only run reports and logs go to stderr. */
  standingOutput(options: { json: boolean; bindings: Record<string, unknown> }): StandingOutput;
  /** Starts the channel, waits for SIGTERM or SIGINT, then stops it gracefully. */
  runUntilSignalled(channel: ProducerChannel, runner: ProducerRunner, log: ChannelLogger): Promise<void>;
  /** Records which lane role the command runs as, for the GRANT a permission error names. */
  needsRole(role: LaneRoleNeed): void;
  /**
   * Route plugins the app adds to an HTTP channel's server (the operator console), given the
   * command's database. Typed loosely on purpose: the contract knows no web framework; the HTTP
   * channel knows they are its own plugin type. Absent or empty: the channel serves only its own
   * routes.
   */
  httpPlugins?(database: HostDatabase, log: ChannelLogger): Promise<readonly unknown[]>;
}
