import { z } from 'zod';
import { ruleSetHashSchema, ruleSetVersionSchema } from './rule-set.js';

const count = z.number().int().nonnegative();
const perStage = z.strictObject({ pen: count, stamp: count, gate: count });

export const RUN_OUTCOMES = [
  /** Every row in scope was visited. */
  'completed',
  /** No active, valid rule set: nothing was stamped. Someone must restore the rules. */
  'source_recovery_required',
  /** Stopped early on request (SIGTERM, a row limit, a time budget); what was done is reported. */
  'stopped',
  /** An error ended the run; what committed before it is reported. */
  'failed',
] as const;
export const runOutcomeSchema = z.enum(RUN_OUTCOMES);
export type RunOutcome = z.infer<typeof runOutcomeSchema>;

export const CHANNEL_NAMES = [
  'once',
  'schedule',
  'pg-cron',
  'http',
  'queue',
  'listen',
  'backlog',
  'staging',
  'test',
] as const;
export const channelNameSchema = z.enum(CHANNEL_NAMES);
export type ChannelName = z.infer<typeof channelNameSchema>;

/** One producer run: its rollback unit (S8) and the summary appended to the evidence log (S7). */
export const runReportSchema = z
  .strictObject({
    runId: z.uuid(),
    ruleSetVersion: ruleSetVersionSchema.nullable(),
    ruleSetHash: ruleSetHashSchema.nullable(),
    channel: channelNameSchema,
    outcome: runOutcomeSchema,
    startedAt: z.coerce.date(),
    endedAt: z.coerce.date(),
    scanned: count,
    passed: perStage,
    failed: perStage,
    /** Out-of-scope rows seen and left alone (`observed`). */
    skipped: count,
    ambiguous: count,
    /** Free-form detail on why a run stopped or failed. */
    detail: z.string().optional(),
  })
  .refine((report) => report.endedAt.getTime() >= report.startedAt.getTime(), {
    message: 'must not be before startedAt',
    path: ['endedAt'],
    params: { rule: 'order' },
  })
  .refine((report) => report.outcome === 'source_recovery_required' || report.ruleSetHash !== null, {
    message: 'is required unless the outcome is source_recovery_required',
    path: ['ruleSetHash'],
    params: { rule: 'required' },
  })
  .refine(
    (report) =>
      report.outcome !== 'source_recovery_required' ||
      report.passed.pen + report.passed.stamp + report.passed.gate === 0,
    {
      message: 'a run without an active rule set cannot have passed anything',
      path: ['passed'],
      params: { rule: 'fail_closed' },
    },
  );
export type RunReport = z.output<typeof runReportSchema>;
