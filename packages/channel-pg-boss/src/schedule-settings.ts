import { z } from 'zod';
import { cronExpressionIssue, timeZoneIssue } from './cron-expression.js';

/** The schedule channel's settings; defaults are filled in here, and each problem names its field. */
export const scheduleChannelSettingsSchema = z
  .strictObject({
    /** Five cron fields (minute hour day-of-month month day-of-week) or a macro such as @hourly. */
    cron: z.string().transform((expression) => expression.trim()),
    /** The IANA time zone the expression is read in. */
    timeZone: z.string().default('UTC'),
    maxRows: z.number().int().positive().optional(),
    batchSize: z.number().int().positive().max(50_000).optional(),
    /**
     * Longest one fire's run may take; then it stops after its batch in flight and the next tick
     * carries on. pg-boss expires the tick a minute later, so it never sees a live run as dead.
     */
    runBudgetSeconds: z
      .number()
      .int()
      .min(1)
      .max(23 * 3600)
      .default(14 * 60),
    /** How often this instance asks for a due tick. */
    pollingIntervalSeconds: z.number().min(0.5).max(600).default(2),
    cronMonitorIntervalSeconds: z.number().int().min(1).max(45).optional(),
    cronWorkerIntervalSeconds: z.number().int().min(1).max(45).optional(),
    heartbeatIntervalMs: z.number().int().min(100).optional(),
    /** How long stop() waits for the run in flight to finish its batch. */
    stopTimeoutMs: z.number().int().min(1000).default(30_000),
  })
  .superRefine((settings, context) => {
    const zoneProblem = timeZoneIssue(settings.timeZone);
    if (zoneProblem) {
      context.addIssue({
        code: 'custom',
        path: ['timeZone'],
        message: zoneProblem,
        params: { rule: 'time_zone' },
      });
    }
    // An unknown zone is reported above; the expression is still judged, in UTC.
    const cronProblem = cronExpressionIssue(settings.cron, zoneProblem ? 'UTC' : settings.timeZone);
    if (cronProblem) {
      context.addIssue({ code: 'custom', path: ['cron'], message: cronProblem, params: { rule: 'cron' } });
    }
  });
export type ScheduleChannelSettings = z.input<typeof scheduleChannelSettingsSchema>;
export type ParsedScheduleChannelSettings = z.output<typeof scheduleChannelSettingsSchema>;
