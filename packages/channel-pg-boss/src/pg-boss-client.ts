import {
  type ChannelLogger,
  DatabaseError,
  type Queryable,
  SQLSTATE,
  sqlStateOf,
} from '@birth-lane/contract';
import PgBoss from 'pg-boss';
import { pgBossPermissionError } from './pg-boss-permission-error.js';

/**
 * The pg-boss wiring shared by the schedule and queue channels: one way to create, start and stop
 * a PgBoss, so both keep their schedules and jobs in the same schema with the same settings.
 */

/** pg-boss keeps its tables in its own schema, apart from the registry and the lane's objects. */
export const PGBOSS_SCHEMA = 'pgboss';

export type Boss = PgBoss;
export type BossJob<T = object> = PgBoss.Job<T>;
export type BossQueueOptions = Omit<PgBoss.Queue, 'name'>;

/** How pg-boss reaches the database: it opens a small pool of its own. */
export interface PgBossConnection {
  /** A connection string with credentials (the app's `HostDatabase.url`). Never logged. */
  readonly connectionString: string;
  /**
   * libpq `options` for pg-boss's sessions, e.g. the app's hardened search_path
   * (`-c search_path=pg_catalog,pg_temp`); pg-boss names its own schema in every statement.
   */
  readonly sessionOptions?: string;
}

export interface BossSettings extends PgBossConnection {
  /** Shown in pg_stat_activity, so an operator can tell a schedule's sessions from a worker's. */
  readonly applicationName: string;
  readonly logger: ChannelLogger;
  /** Connections pg-boss may open: its workers' fetch loops, completions and maintenance. */
  readonly maxConnections?: number;
  /** Take part in pg-boss's maintenance (expiring jobs of dead workers, archiving); standing processes do. */
  readonly supervise?: boolean;
  /**
   * Run pg-boss's cron clock in this process. Only the schedule channel needs it; every instance
   * that runs it competes for the same tick in the database, so one tick creates one job.
   */
  readonly cron?: {
    /** How often this instance checks whether a schedule is due (pg-boss: 1–45 s, default 30). */
    readonly monitorIntervalSeconds?: number;
    /** How often a due tick is moved into the schedule's queue (pg-boss: 1–45 s, default 5). */
    readonly workerIntervalSeconds?: number;
  };
}

/**
 * Creates pg-boss on its own schema and starts it (creating or migrating the schema if needed:
 * pg-boss serialises that with an advisory lock, so many instances may start at once). Its
 * maintenance (expiring jobs whose worker died, archiving) runs in every instance, and pg-boss
 * lets one of them do it per interval.
 */
export async function startBoss(settings: BossSettings): Promise<Boss> {
  const boss = new PgBoss({
    connectionString: settings.connectionString,
    // pg-boss hands its config to pg.Pool, so its sessions start with these options too.
    ...((settings.sessionOptions === undefined ? {} : { options: settings.sessionOptions }) as object),
    schema: PGBOSS_SCHEMA,
    application_name: settings.applicationName,
    max: settings.maxConnections ?? 4,
    migrate: true,
    supervise: settings.supervise ?? true,
    schedule: settings.cron !== undefined,
    ...(settings.cron?.monitorIntervalSeconds === undefined
      ? {}
      : { cronMonitorIntervalSeconds: settings.cron.monitorIntervalSeconds }),
    ...(settings.cron?.workerIntervalSeconds === undefined
      ? {}
      : { cronWorkerIntervalSeconds: settings.cron.workerIntervalSeconds }),
  });
  // Without a listener an 'error' event would crash the process; pg-boss retries on its own.
  boss.on('error', (error: Error) => settings.logger.error({ err: error }, 'pg-boss reported an error'));
  try {
    await boss.start();
  } catch (error) {
    // stop() is a no-op for a boss that never started, but its pool may be open already.
    const db = boss.getDb() as PgBoss.Db & { opened?: boolean; close?: () => Promise<void> };
    if (db.opened) await db.close?.().catch(() => undefined);
    if (sqlStateOf(error) === SQLSTATE.insufficientPrivilege) {
      throw pgBossPermissionError(settings.connectionString, PGBOSS_SCHEMA, error);
    }
    throw new DatabaseError(
      `Could not start pg-boss in schema "${PGBOSS_SCHEMA}": ${error instanceof Error ? error.message : String(error)}. ` +
        `The role in DATABASE_URL must be able to create that schema (or it must exist and be writable).`,
      { cause: error },
    );
  }
  return boss;
}

/**
 * Stops fetching new jobs, waits up to `timeoutMs` for the jobs in flight (their handlers finish
 * the batch in flight and settle the job), then closes pg-boss's pool. A job still running after
 * the timeout is failed by pg-boss, so it is retried.
 */
export async function stopBoss(boss: Boss, options: { timeoutMs?: number } = {}): Promise<void> {
  await boss.stop({ graceful: true, wait: true, timeout: options.timeoutMs ?? 30_000 });
}

/** Runs `work` with a short-lived pg-boss (no maintenance, no clock), then stops it. */
export async function withBoss<T>(settings: BossSettings, work: (boss: Boss) => Promise<T>): Promise<T> {
  const boss = await startBoss({ supervise: false, ...settings });
  try {
    return await work(boss);
  } finally {
    await stopBoss(boss);
  }
}

/**
 * Creates the queue if it is missing and brings its settings to `options` (pg-boss applies a
 * queue's policy, retries and expiry to the jobs sent to it afterwards).
 */
export async function ensureQueue(boss: Boss, name: string, options: BossQueueOptions): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await boss.createQueue(name, { name, ...options });
      break;
    } catch (error) {
      // Instances starting together create the queue's partition at once, and PostgreSQL may pick
      // one as a deadlock victim. Its retry finds the queue made by the other and does nothing.
      if (sqlStateOf(error) !== SQLSTATE.deadlockDetected || attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 200));
    }
  }
  await boss.updateQueue(name, { name, ...options });
}

/**
 * Lets a pg-boss call run on one of our connections, e.g. inside a transaction, so that sending a
 * job and settling another commit together or not at all.
 */
export function onConnection(connection: Queryable): PgBoss.Db {
  return { executeSql: (text, values) => connection.query(text, values) };
}
