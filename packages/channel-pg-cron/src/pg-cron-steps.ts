import { readSqlFile, type Step, sqlStep } from '@birth-lane/contract';

// Directly under src/ so the path resolves the same from src/ (tests) and dist/ (the build).
const SQL_DIR = new URL('../sql/', import.meta.url);

export const PG_CRON_WRAPPER_PROCEDURE = 'birth_lane.run_producer_from_pg_cron(integer,integer)';

/**
 * The install step that creates birth_lane.run_producer(integer, integer, text), the producer's
 * in-database entry point the wrapper calls: the one thing of the producer block this channel
 * needs, met in the database by the step's id (the install ledger), never by importing the block.
 */
export const RUN_PRODUCER_STEP = 'inspect-producer/0004_run_producer_procedure';

/**
 * The heartbeat-writing wrapper the pg_cron job calls (see sql/0001_pg_cron_producer.sql). The
 * producer procedure it calls, birth_lane.run_producer, is part of the lane install and calls
 * birth_lane.inspect_batch, which each rule-set activation recompiles: nothing here depends on
 * the rule set, so activating another one needs no reinstall. The id and the SQL are those the
 * app installed before this package existed, so a database that has them skips the step.
 */
export const pgCronWrapperStep: Step = sqlStep({
  id: 'pg-cron/0001_run_producer_from_pg_cron',
  title: 'pg_cron entry point: heartbeat around birth_lane.run_producer',
  risk: 'medium',
  prerequisites: [RUN_PRODUCER_STEP, 'contract/0005_heartbeats'],
  mutation: readSqlFile(SQL_DIR, '0001_pg_cron_producer.sql'),
  rollback: 'drop procedure if exists birth_lane.run_producer_from_pg_cron(integer, integer);',
  footprint: [
    `function:${PG_CRON_WRAPPER_PROCEDURE}`,
    'grant:function:birth_lane.run_producer_from_pg_cron(integer,integer):PUBLIC:EXECUTE',
    'grant:function:birth_lane.run_producer_from_pg_cron(integer,integer):birth_lane_producer:EXECUTE',
  ],
});

/** Takes back the default EXECUTE for PUBLIC that 0001 left on the wrapper (see the SQL). */
export const pgCronWrapperProducerOnlyStep: Step = sqlStep({
  id: 'pg-cron/0002_wrapper_producer_only',
  title: 'pg_cron entry point callable by birth_lane_producer only (EXECUTE revoked from PUBLIC)',
  risk: 'low',
  prerequisites: ['pg-cron/0001_run_producer_from_pg_cron'],
  mutation: readSqlFile(SQL_DIR, '0002_wrapper_producer_only.sql'),
  rollback: `grant execute on procedure ${PG_CRON_WRAPPER_PROCEDURE} to public;`,
  // It creates nothing; the producer's grant is 0001's and stays.
  footprint: [],
  removes: [`grant:function:${PG_CRON_WRAPPER_PROCEDURE}:PUBLIC:EXECUTE`],
});

/** What installing the channel applies; a step already applied with the same SQL is skipped. */
export const pgCronSteps: readonly Step[] = [pgCronWrapperStep, pgCronWrapperProducerOnlyStep];
