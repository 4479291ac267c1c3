import {
  type ChannelLogger,
  contractSteps,
  type ProducerRunner,
  type Queryable,
  type RunReport,
} from '@birth-lane/contract';
import { runReportFixture } from '@birth-lane/contract/testing';
import { type Boss, startBoss } from '../src/pg-boss-client.js';

/**
 * The lane's shared surfaces (registry, evidence, heartbeats, roles) and a stand-in for the
 * producer's run records: a note may name a run only if this login began it, and the runners
 * below begin theirs here the way the producer's begin_run does. No producer, no rule set: these
 * tests are about when and over which ids a channel runs, not what a run does.
 */
export const CHANNEL_TEST_SETUP = [
  ...contractSteps.map((step) => step.mutation),
  `create table if not exists birth_lane.producer_runs (
     run_id uuid primary key default gen_random_uuid(), started_by text not null default session_user)`,
];

/** `count` governed births with ids from `offset + 1`. */
export async function seedRegistry(db: Queryable, count: number, offset = 0): Promise<void> {
  await db.query(
    `insert into public.birth_registry (id, entity_code, collection_name, dot_origin)
     select g + $2::int, 'ENT-' || lpad((g + $2::int)::text, 7, '0'), 'fauna', 'dot://pg-boss-test'
       from generate_series(1, $1::int) as g`,
    [count, offset],
  );
}

export interface WalkingRunner extends ProducerRunner {
  /** Every report it returned, in order. */
  readonly reports: RunReport[];
}

/**
 * A stand-in for the producer that walks what the channels rely on: the rows of its id range in
 * id order, `batchSize` at a time, reporting each batch's last id through onProgress, and
 * stopping (outcome `stopped`) before the next batch once its signal is aborted. Each id it
 * visits is pushed onto `visited`, shared by every runner of a test, so a test can see which
 * rows were visited and how often.
 */
export function walkingRunner(
  db: Queryable,
  visited: string[],
  options: { batchSize?: number } = {},
): WalkingRunner {
  const reports: RunReport[] = [];
  return {
    specificationVersion: 'v1',
    reports,
    async run(run): Promise<RunReport> {
      const startedAt = new Date();
      const { rows: begun } = await db.query<{ run_id: string }>(
        'insert into birth_lane.producer_runs default values returning run_id::text',
      );
      let lastId: string | null = null;
      let scanned = 0;
      let outcome: RunReport['outcome'] = 'completed';
      for (;;) {
        if (run.signal?.aborted) {
          outcome = 'stopped';
          break;
        }
        const { rows }: { rows: { id: string }[] } = await db.query<{ id: string }>(
          // `order by r.id`, the bigint column: `order by id` would sort the text output column.
          `select r.id::text as id from public.birth_registry r
            where r.id >= coalesce($1::bigint, 1) and r.id <= coalesce($2::bigint, 9223372036854775807)
              and r.id > coalesce($3::bigint, 0)
            order by r.id limit $4::int`,
          [run.idFrom ?? null, run.idTo ?? null, lastId, run.batchSize ?? options.batchSize ?? 100],
        );
        if (rows.length === 0) break;
        visited.push(...rows.map((row) => row.id));
        scanned += rows.length;
        lastId = rows[rows.length - 1]!.id;
        run.onProgress?.({ scanned, lastId });
      }
      const report = runReportFixture({
        runId: begun[0]!.run_id,
        channel: run.channel,
        outcome,
        startedAt,
        endedAt: new Date(),
        scanned,
        passed: { pen: scanned, stamp: scanned, gate: scanned },
        failed: { pen: 0, stamp: 0, gate: 0 },
      });
      reports.push(report);
      return report;
    },
  };
}

/** A logger that keeps every line, for tests that read what a channel said. */
export function recordingLogger(): ChannelLogger & {
  readonly lines: { level: string; fields: Record<string, unknown>; message: string }[];
} {
  const lines: { level: string; fields: Record<string, unknown>; message: string }[] = [];
  const at =
    (level: string) =>
    (fields: Record<string, unknown>, message: string): void => {
      lines.push({ level, fields, message });
    };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** A pg-boss client of the test itself, to send ticks and jobs as the cron clock or enqueue-run would. */
export function startDriver(connectionString: string, logger: ChannelLogger): Promise<Boss> {
  return startBoss({ connectionString, applicationName: 'pg-boss-test-driver', logger, supervise: false });
}

export interface JobRow {
  readonly id: string;
  readonly state: string;
  readonly data: Record<string, unknown>;
  readonly output: Record<string, unknown> | null;
  /** The minute the job was created in, as text. */
  readonly minute: string;
}

/** The jobs of a queue, oldest first, straight from pg-boss's table. */
export async function jobsOf(db: Queryable, queue: string): Promise<JobRow[]> {
  const { rows } = await db.query<JobRow>(
    `select id::text, state::text, data, output, date_trunc('minute', created_on)::text as minute
       from pgboss.job where name = $1::text order by created_on, id`,
    [queue],
  );
  return rows;
}

export async function heartbeatStates(db: Queryable, channel: string): Promise<string[]> {
  const { rows } = await db.query<{ state: string }>(
    'select state from birth_lane.producer_heartbeats where channel = $1::text order by instance_id',
    [channel],
  );
  return rows.map((row) => row.state);
}

/**
 * A runner that asks for its channel's stop the moment the first batch is done, as SIGTERM would.
 * `stopping()` is that stop's promise, once asked for.
 */
export function stopAfterFirstBatch(
  inner: ProducerRunner,
  stop: () => Promise<void>,
): ProducerRunner & { stopping(): Promise<void> | undefined } {
  let stopping: Promise<void> | undefined;
  return {
    specificationVersion: 'v1',
    run: (options) =>
      inner.run({
        ...options,
        onProgress: (progress) => {
          options.onProgress?.(progress);
          stopping ??= stop();
        },
      }),
    stopping: () => stopping,
  };
}
