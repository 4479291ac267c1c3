import { createHash } from 'node:crypto';
import { parseOrThrow, ValidationError } from '@birth-lane/contract';
import { z } from 'zod';

/** Defaults of `birth-lane pg-cron install`: one short call a minute, inside a 5 s statement timeout. */
import { PG_CRON_DEFAULTS } from './pg-cron-defaults.js';

export { PG_CRON_DEFAULTS };

/**
 * Room left between the time budget and the statement timeout. The procedure checks its budget
 * before each batch, so one call lasts up to the budget plus one batch (plus two heartbeat writes).
 */
export const STATEMENT_TIMEOUT_HEADROOM_MS = 1000;

const SECONDS_SCHEDULE = /^([1-9]|[1-5][0-9]) seconds$/;
const CRON_FIELD = /^[0-9A-Za-z*,/$-]+$/;
const CRON_MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@hourly', '@reboot'];

/** True for pg_cron's sub-minute interval form ('1 seconds' to '59 seconds'), which needs pg_cron 1.5. */
export function isSecondsSchedule(schedule: string): boolean {
  return SECONDS_SCHEDULE.test(schedule);
}

/**
 * A pg_cron schedule: five cron fields, a macro such as '@hourly', or 'N seconds' (1 to 59).
 * Only the shape is checked here; pg_cron's own parser has the last word at install.
 */
const scheduleSchema = z
  .string()
  .transform((value) => value.trim().replace(/\s+/g, ' '))
  .refine(
    (value) =>
      isSecondsSchedule(value) ||
      CRON_MACROS.includes(value) ||
      (value.split(' ').length === 5 && value.split(' ').every((field) => CRON_FIELD.test(field))),
    {
      message:
        "must be five cron fields (e.g. '*/1 * * * *'), a macro such as '@hourly', or '1 seconds' to '59 seconds'",
      params: { rule: 'cron_schedule' },
    },
  );

const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .regex(/^[0-9]+$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

/** The install flags as commander hands them over (strings), validated in one place. */
const installFlagsSchema = z.strictObject({
  '--schedule': scheduleSchema.default(PG_CRON_DEFAULTS.schedule),
  // The procedure itself refuses batches outside 1..50000.
  '--batch-size': wholeNumber(1, 50_000).default(PG_CRON_DEFAULTS.batchSize),
  '--time-budget-ms': wholeNumber(100, 600_000).default(PG_CRON_DEFAULTS.timeBudgetMs),
});

export interface PgCronJobSettings {
  readonly schedule: string;
  readonly batchSize: number;
  readonly timeBudgetMs: number;
  /**
   * The lane's own limit for one statement (BIRTH_LANE_STATEMENT_TIMEOUT_MS), which the budget
   * must fit as well as the server's statement_timeout: production's 5 s holds even on a server
   * that sets none.
   */
  readonly laneStatementTimeoutMs?: number;
}

/** Parses `--schedule`, `--batch-size`, `--time-budget-ms`; the error names the flag and the rule. */
export function parsePgCronFlags(flags: {
  schedule?: string;
  batchSize?: string;
  timeBudgetMs?: string;
}): PgCronJobSettings {
  const parsed = parseOrThrow(
    installFlagsSchema,
    {
      '--schedule': flags.schedule,
      '--batch-size': flags.batchSize,
      '--time-budget-ms': flags.timeBudgetMs,
    },
    'pg-cron install flags',
  );
  return {
    schedule: parsed['--schedule'],
    batchSize: parsed['--batch-size'],
    timeBudgetMs: parsed['--time-budget-ms'],
  };
}

/** `[major, minor]` of a pg_cron extension version such as '1.4-1' or '1.6'. */
export function pgCronVersion(version: string): readonly [number, number] | null {
  const match = /^(\d+)\.(\d+)/.exec(version);
  return match ? [Number(match[1]), Number(match[2])] : null;
}

/**
 * Checks the settings against the server they will run on: a seconds schedule needs pg_cron 1.5,
 * and one call must end inside the statement timeout (which covers the whole CALL).
 */
export function assertSettingsFitServer(
  settings: PgCronJobSettings,
  server: { readonly pgCronVersion: string; readonly statementTimeoutMs: number },
): void {
  const version = pgCronVersion(server.pgCronVersion);
  if (
    isSecondsSchedule(settings.schedule) &&
    version !== null &&
    (version[0] < 1 || (version[0] === 1 && version[1] < 5))
  ) {
    throw new ValidationError('pg-cron install flags', [
      {
        field: '--schedule',
        rule: 'pg_cron_version',
        message: `'${settings.schedule}' needs pg_cron 1.5 or later, and this server has pg_cron ${server.pgCronVersion}; use a cron schedule such as '*/1 * * * *' (once a minute) or upgrade pg_cron`,
      },
    ]);
  }
  // The effective limit: the smaller of the server's statement_timeout (0 = none) and the lane's.
  const limits = [
    { ms: server.statementTimeoutMs, source: "this database's statement_timeout" },
    { ms: settings.laneStatementTimeoutMs ?? 0, source: 'BIRTH_LANE_STATEMENT_TIMEOUT_MS' },
  ].filter((limit) => limit.ms > 0);
  const effective = limits.sort((a, b) => a.ms - b.ms)[0];
  if (effective && settings.timeBudgetMs + STATEMENT_TIMEOUT_HEADROOM_MS > effective.ms) {
    const timeout = effective.ms;
    throw new ValidationError('pg-cron install flags', [
      {
        field: '--time-budget-ms',
        rule: 'inside_statement_timeout',
        message: `${settings.timeBudgetMs} ms leaves less than ${STATEMENT_TIMEOUT_HEADROOM_MS} ms for the last batch inside ${effective.source} of ${timeout} ms (the whole CALL is one statement); use at most ${Math.max(0, timeout - STATEMENT_TIMEOUT_HEADROOM_MS)}`,
      },
    ]);
  }
}

/**
 * The job's name: one job per lane database. pg_cron keeps all jobs of a server in one database,
 * and several lane databases may share a server, so the name carries the database. Job names
 * are `name`s (at most 63 bytes): a long database name is replaced by a digest of it.
 */
export function pgCronJobName(laneDatabase: string): string {
  const plain = `birth-lane-producer:${laneDatabase}`;
  if (Buffer.byteLength(plain) <= 63) return plain;
  return `birth-lane-producer:${createHash('sha256').update(laneDatabase).digest('hex').slice(0, 32)}`;
}

/**
 * The job's command. Both values are validated integers, so writing them into the text is safe;
 * a pg_cron command is SQL text and cannot carry parameters.
 */
export function pgCronCommand(settings: Pick<PgCronJobSettings, 'batchSize' | 'timeBudgetMs'>): string {
  for (const value of [settings.batchSize, settings.timeBudgetMs]) {
    if (!Number.isSafeInteger(value) || value < 1) throw new Error(`not a positive integer: ${value}`);
  }
  return `call birth_lane.run_producer_from_pg_cron(${settings.batchSize}, ${settings.timeBudgetMs})`;
}
