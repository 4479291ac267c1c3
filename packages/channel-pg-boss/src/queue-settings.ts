import { z } from 'zod';
import { RUN_JOB_BUDGET_SECONDS } from './run-queue.js';

/** The queue channel's (worker's) settings; defaults are filled in here, and each problem names its field. */
export const queueChannelSettingsSchema = z.strictObject({
  /** Jobs this process runs at once (one pg-boss fetch loop each). */
  teamSize: z.number().int().min(1).max(64).default(1),
  batchSize: z.number().int().positive().max(50_000).optional(),
  /** A job's run stops itself after this long and hands the rest of its range back. */
  runBudgetSeconds: z.number().int().min(1).max(RUN_JOB_BUDGET_SECONDS).default(RUN_JOB_BUDGET_SECONDS),
  /** How often each idle fetch loop asks for a job. */
  pollingIntervalSeconds: z.number().min(0.5).max(600).default(2),
  heartbeatIntervalMs: z.number().int().min(100).optional(),
  /** How long stop() waits for the jobs in flight to finish their batch and settle. */
  stopTimeoutMs: z.number().int().min(1000).default(30_000),
});
export type QueueChannelSettings = z.input<typeof queueChannelSettingsSchema>;
export type ParsedQueueChannelSettings = z.output<typeof queueChannelSettingsSchema>;
