import { heartbeatSchema } from '../heartbeat.js';
import { toIssues } from '../parse.js';
import type { Queryable } from '../ports/queryable.js';
import { SELECT_STANDING_HEARTBEATS_SQL } from '../sql/select-standing-heartbeats.js';

export interface StandingProducer {
  readonly instanceId: string;
  readonly channel: string;
  readonly host: string;
  readonly pid: number;
  readonly state: string;
  readonly beatAt: string;
  readonly secondsSinceBeat: number;
}

/** A heartbeat row that does not match the heartbeat schema (a superuser's hand): reported, skipped. */
export interface MalformedHeartbeat {
  readonly instanceId: string;
  readonly problem: string;
}

export interface StandingProducersOnRecord {
  readonly producers: readonly StandingProducer[];
  readonly malformed: readonly MalformedHeartbeat[];
}

interface HeartbeatRow {
  readonly instance_id: string;
  readonly channel: string;
  readonly host: string;
  readonly pid: number;
  readonly state: string;
  readonly started_at: Date;
  readonly beat_at: Date;
  readonly last_run_id: string | null;
  readonly since: number;
}

/** The producers still standing, latest beat first, each row read through the heartbeat schema. */
export async function readStandingProducers(db: Queryable): Promise<StandingProducersOnRecord> {
  const { rows } = await db.query<HeartbeatRow>(SELECT_STANDING_HEARTBEATS_SQL);
  const producers: StandingProducer[] = [];
  const malformed: MalformedHeartbeat[] = [];
  for (const row of rows) {
    const parsed = heartbeatSchema.safeParse({
      instanceId: row.instance_id,
      channel: row.channel,
      host: row.host,
      pid: row.pid,
      state: row.state,
      startedAt: row.started_at,
      beatAt: row.beat_at,
      lastRunId: row.last_run_id,
    });
    if (!parsed.success) {
      const problem = toIssues(parsed.error)
        .slice(0, 3)
        .map((issue) => `${issue.field}: ${issue.message}`)
        .join('; ');
      malformed.push({ instanceId: row.instance_id, problem });
      continue;
    }
    const beat = parsed.data;
    producers.push({
      instanceId: beat.instanceId,
      channel: beat.channel,
      host: beat.host,
      pid: beat.pid,
      state: beat.state,
      beatAt: beat.beatAt.toISOString(),
      secondsSinceBeat: Math.round(row.since),
    });
  }
  return { producers, malformed };
}
