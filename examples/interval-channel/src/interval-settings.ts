import { z } from 'zod';

/** The example channel's settings: how often to run, and the producer's initial batch size. */
export const intervalSettingsSchema = z.strictObject({
  /** Between the end of one run and the start of the next. */
  everyMs: z.number().int().min(10, 'must be at least 10 ms').max(86_400_000).default(60_000),
  batchSize: z.number().int().min(1).max(50_000).optional(),
  /** Between heartbeats. */
  heartbeatIntervalMs: z.number().int().min(10).max(600_000).default(5_000),
});
export type IntervalSettings = z.output<typeof intervalSettingsSchema>;
