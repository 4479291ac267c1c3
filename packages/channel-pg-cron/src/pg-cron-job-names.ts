import { createHash } from 'node:crypto';
import type { PgCronSettings } from './pg-cron-settings.js';

/**
 * The job's name: one job per lane database. pg_cron keeps all jobs of a server in one database,
 * and several lane databases may share a server, so the name carries the database. Job names
 * are `name`s (at most 63 bytes): a long database name is replaced by a digest of it.
 */
export function pgCronJobName(laneDatabase: string): string {
  const plain = `birth-lane-producer:${laneDatabase}`;
  if (Buffer.byteLength(plain) <= 63) return plain;
  return `birth-lane-producer:${createHash('sha256').update(laneDatabase).digest('hex').slice(0, 32)}`;
}

/**
 * The heartbeat row of a lane database's pg_cron job. The wrapper procedure writes the same id
 * ('pg-cron@' || current_database(), sql/0001_pg_cron_producer.sql).
 */
export function pgCronInstanceId(laneDatabase: string): string {
  return `pg-cron@${laneDatabase}`;
}

/**
 * The job's command. Both values are validated integers, so writing them into the text is safe;
 * a pg_cron command is SQL text and cannot carry parameters.
 */
export function pgCronCommand(settings: Pick<PgCronSettings, 'batchSize' | 'timeBudgetMs'>): string {
  for (const value of [settings.batchSize, settings.timeBudgetMs]) {
    if (!Number.isSafeInteger(value) || value < 1) throw new Error(`not a positive integer: ${value}`);
  }
  return `call birth_lane.run_producer_from_pg_cron(${settings.batchSize}, ${settings.timeBudgetMs})`;
}
