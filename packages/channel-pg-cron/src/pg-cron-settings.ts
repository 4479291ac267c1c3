import { ValidationError } from '@birth-lane/contract';
import { z } from 'zod';
import { BATCH_SIZE_LIMITS, PG_CRON_DEFAULTS, TIME_BUDGET_LIMITS } from './pg-cron-defaults.js';
import {
  isScheduleShape,
  isSecondsSchedule,
  normaliseSchedule,
  SCHEDULE_RULE_MESSAGE,
} from './pg-cron-schedule.js';

/** The subject of every settings error, so a command line can tell its own flags apart. */
export const PG_CRON_SETTINGS_SUBJECT = 'pg-cron channel settings';

/**
 * Room left between the time budget and the statement timeout. The procedure checks its budget
 * before each batch, so one call lasts up to the budget plus one batch (plus two heartbeat writes).
 */
export const STATEMENT_TIMEOUT_HEADROOM_MS = 1000;

const wholeNumber = (limits: { readonly min: number; readonly max: number }) =>
  z
    .number()
    .int('must be a whole number')
    .min(limits.min, `must be at least ${limits.min}`)
    .max(limits.max, `must be at most ${limits.max}`);

/**
 * The pg-cron channel's settings, plain data (from flags, a file or code); the defaults are filled
 * in here. Errors name the field (`schedule`, `batchSize`, `timeBudgetMs`) and the rule.
 */
export const pgCronSettingsSchema = z.strictObject({
  /** When pg_cron calls the producer. */
  schedule: z
    .string()
    .transform(normaliseSchedule)
    .refine(isScheduleShape, { message: SCHEDULE_RULE_MESSAGE, params: { rule: 'cron_schedule' } })
    .default(PG_CRON_DEFAULTS.schedule),
  /** Rows per batch statement of each call. */
  batchSize: wholeNumber(BATCH_SIZE_LIMITS).default(PG_CRON_DEFAULTS.batchSize),
  /** How long one call keeps starting batches; it must end inside the statement timeout. */
  timeBudgetMs: wholeNumber(TIME_BUDGET_LIMITS).default(PG_CRON_DEFAULTS.timeBudgetMs),
  /**
   * The lane's own limit for one statement (the app's BIRTH_LANE_STATEMENT_TIMEOUT_MS), which the
   * budget must fit as well as the server's statement_timeout: production's 5 s holds even on a
   * server that sets none.
   */
  laneStatementTimeoutMs: z.number().int().positive().optional(),
});

export type PgCronSettings = z.output<typeof pgCronSettingsSchema>;
export type PgCronSettingsInput = z.input<typeof pgCronSettingsSchema>;

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
  settings: PgCronSettings,
  server: { readonly pgCronVersion: string; readonly statementTimeoutMs: number },
): void {
  const version = pgCronVersion(server.pgCronVersion);
  if (
    isSecondsSchedule(settings.schedule) &&
    version !== null &&
    (version[0] < 1 || (version[0] === 1 && version[1] < 5))
  ) {
    throw new ValidationError(PG_CRON_SETTINGS_SUBJECT, [
      {
        field: 'schedule',
        rule: 'pg_cron_version',
        message: `'${settings.schedule}' needs pg_cron 1.5 or later, and this server has pg_cron ${server.pgCronVersion}; use a cron schedule such as '*/1 * * * *' (once a minute) or upgrade pg_cron`,
      },
    ]);
  }
  // The effective limit: the smaller of the server's statement_timeout (0 = none) and the lane's.
  const limits = [
    { ms: server.statementTimeoutMs, source: "this database's statement_timeout" },
    {
      ms: settings.laneStatementTimeoutMs ?? 0,
      source: "the lane's statement timeout (laneStatementTimeoutMs, BIRTH_LANE_STATEMENT_TIMEOUT_MS)",
    },
  ].filter((limit) => limit.ms > 0);
  const effective = limits.sort((a, b) => a.ms - b.ms)[0];
  if (effective && settings.timeBudgetMs + STATEMENT_TIMEOUT_HEADROOM_MS > effective.ms) {
    const timeout = effective.ms;
    throw new ValidationError(PG_CRON_SETTINGS_SUBJECT, [
      {
        field: 'timeBudgetMs',
        rule: 'inside_statement_timeout',
        message: `${settings.timeBudgetMs} ms leaves less than ${STATEMENT_TIMEOUT_HEADROOM_MS} ms for the last batch inside ${effective.source} of ${timeout} ms (the whole CALL is one statement); use at most ${Math.max(0, timeout - STATEMENT_TIMEOUT_HEADROOM_MS)}`,
      },
    ]);
  }
}
