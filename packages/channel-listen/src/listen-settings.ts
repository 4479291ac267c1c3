import { z } from 'zod';

const milliseconds = (max: number) => z.number().int().min(1).max(max);

/**
 * The listen channel's settings: plain data, defaults filled in here, each problem named by its
 * field (`parseChannelSettings('listen', listenChannelSettingsSchema, input)`).
 */
export const listenChannelSettingsSchema = z
  .object({
    /**
     * How long the first announcement waits for more before a run starts. Small: births of one
     * transaction arrive together anyway, and a trickle birth should be inspected at once.
     */
    coalesceMs: z.number().int().min(0).max(10_000).default(5),
    /** Initial rows per batch of each run (the producer adapts it); the producer's own default if absent. */
    batchSize: z.number().int().min(1).max(50_000).optional(),
    /** Reconnect and failed-run retry backoff: doubles from the first delay up to the ceiling, jittered. */
    retryInitialMs: milliseconds(60_000).default(100),
    retryMaxMs: milliseconds(3_600_000).default(30_000),
    /** A silent TCP cut never ends the session by itself; a periodic ping on the listener does. */
    pingIntervalMs: milliseconds(3_600_000).default(10_000),
    /** The deadline of each ping (the port bounds opening and closing itself). */
    pingTimeoutMs: milliseconds(60_000).default(5_000),
    heartbeatIntervalMs: milliseconds(3_600_000).default(5_000),
    /** The heartbeat says `idle` only after this long without a run, so a busy trickle does not flap it. */
    idleAfterMs: milliseconds(3_600_000).default(1_000),
    /** How often a summary of the runs is logged at info (each routine run is logged at debug). */
    summaryIntervalMs: milliseconds(86_400_000).default(60_000),
  })
  .strict()
  .refine((settings) => settings.retryMaxMs >= settings.retryInitialMs, {
    message: 'must be at least retryInitialMs',
    path: ['retryMaxMs'],
    params: { rule: 'min' },
  });

/** What the channel runs with, every default filled in. */
export type ListenChannelSettings = z.output<typeof listenChannelSettingsSchema>;
/** What a caller may pass: any setting may be left out. */
export type ListenChannelSettingsInput = z.input<typeof listenChannelSettingsSchema>;
