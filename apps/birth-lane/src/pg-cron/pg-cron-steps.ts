import { type RuleSet, readSqlFile, type Step, sqlStep } from '@birth-lane/contract';
import { producerProcedureStep } from '@birth-lane/inspect-producer';

const SQL_DIR = new URL('../../sql/', import.meta.url);

export const PG_CRON_WRAPPER_PROCEDURE = 'birth_lane.run_producer_from_pg_cron(integer,integer)';

/** The heartbeat-writing wrapper the pg_cron job calls (see sql/0001_pg_cron_producer.sql). */
export const pgCronWrapperStep: Step = sqlStep({
  id: 'pg-cron/0001_run_producer_from_pg_cron',
  title: 'pg_cron entry point: heartbeat around birth_lane.run_producer',
  risk: 'medium',
  prerequisites: ['inspect-producer/0003_run_producer_procedure', 'contract/0005_heartbeats'],
  mutation: readSqlFile(SQL_DIR, '0001_pg_cron_producer.sql'),
  rollback: 'drop procedure if exists birth_lane.run_producer_from_pg_cron(integer, integer);',
  footprint: [`function:${PG_CRON_WRAPPER_PROCEDURE}`],
});

/**
 * What `pg-cron install` applies: the producer procedure compiled for `ruleSet` (its digest
 * changes with the rule set, so installing again after an activation recompiles it) and the
 * wrapper. Steps already applied with the same SQL are skipped.
 */
export function pgCronSteps(ruleSet: RuleSet): readonly Step[] {
  return [producerProcedureStep(ruleSet), pgCronWrapperStep];
}
