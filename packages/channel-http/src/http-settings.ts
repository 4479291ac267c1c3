import { z } from 'zod';

/**
 * The http channel's settings: plain data, checked here (unknown keys are refused, so a misspelt
 * option never silently falls back to its default). Every default lives in this schema.
 */
export const httpChannelSettingsSchema = z.strictObject({
  /** 0 picks a free port; the channel's `url` tells which once it stands. */
  port: z.number().int().min(0).max(65_535).default(8080),
  /** 127.0.0.1 by default: the token travels in clear over plain HTTP. */
  host: z.string().min(1).default('127.0.0.1'),
  /** Required on every route but /healthz, as `Authorization: Bearer <token>`. */
  token: z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
    .min(16, 'must be at least 16 characters'),
  /** Finished runs kept for `GET /runs/:id`; every report is in the evidence log anyway. */
  keepRuns: z.number().int().min(1).max(100_000).default(100),
  /** Largest `POST /runs` body; a larger one is refused with 413 before it is read. */
  maxBodyBytes: z
    .number()
    .int()
    .min(1)
    .max(16 * 1024 * 1024)
    .default(64 * 1024),
  heartbeatIntervalMs: z.number().int().min(10).default(5000),
  /** /healthz, the backlog gauge and each heartbeat write give up after this long. */
  databaseTimeoutMs: z.number().int().min(10).max(60_000).default(3000),
  /** On stop, connections still busy this long after the server stopped accepting are cut. */
  closeGraceMs: z.number().int().min(0).max(600_000).default(5000),
});

/** What a caller passes: every field but `token` may be left out. */
export type HttpChannelSettingsInput = z.input<typeof httpChannelSettingsSchema>;
/** The settings after the schema filled in the defaults. */
export type HttpChannelSettings = z.output<typeof httpChannelSettingsSchema>;
