import { readSqlFile, type Step, sqlStep } from '@birth-lane/contract';

// From src/pg-cron/ in the repository, or from a chunk in dist/ in the built binary.
const SQL_DIR = new URL(import.meta.url.includes('/dist/') ? '../sql/' : '../../sql/', import.meta.url);

export const PG_CRON_WRAPPER_PROCEDURE = 'birth_lane.run_producer_from_pg_cron(integer,integer)';

/**
 * The heartbeat-writing wrapper the pg_cron job calls (see sql/0001_pg_cron_producer.sql). The
 * producer procedure it calls, birth_lane.run_producer, is part of the lane install and calls
 * birth_lane.inspect_batch, which each rule-set activation recompiles: nothing here depends on
 * the rule set, so activating another one needs no reinstall.
 */
export const pgCronWrapperStep: Step = sqlStep({
  id: 'pg-cron/0001_run_producer_from_pg_cron',
  title: 'pg_cron entry point: heartbeat around birth_lane.run_producer',
  risk: 'medium',
  prerequisites: ['inspect-producer/0004_run_producer_procedure', 'contract/0005_heartbeats'],
  mutation: readSqlFile(SQL_DIR, '0001_pg_cron_producer.sql'),
  rollback: 'drop procedure if exists birth_lane.run_producer_from_pg_cron(integer, integer);',
  footprint: [`function:${PG_CRON_WRAPPER_PROCEDURE}`],
});

/** What `pg-cron install` applies; a step already applied with the same SQL is skipped. */
export const pgCronSteps: readonly Step[] = [pgCronWrapperStep];
