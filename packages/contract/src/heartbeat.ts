import { z } from 'zod';
import { channelNameSchema } from './run-report.js';

export const HEARTBEAT_STATES = ['idle', 'running', 'stopping', 'stopped'] as const;
export const heartbeatStateSchema = z.enum(HEARTBEAT_STATES);
export type HeartbeatState = z.infer<typeof heartbeatStateSchema>;

/** One standing producer's latest beat (`birth_lane.producer_heartbeats`). */
export const heartbeatSchema = z.strictObject({
  instanceId: z.string().min(1).max(200),
  channel: channelNameSchema,
  host: z.string().min(1),
  pid: z.number().int().nonnegative(),
  state: heartbeatStateSchema,
  startedAt: z.coerce.date(),
  beatAt: z.coerce.date(),
  lastRunId: z.uuid().nullable(),
});
export type Heartbeat = z.infer<typeof heartbeatSchema>;
