import { readSqlFile, type Step, sqlStep } from '@birth-lane/contract';

/** The database-side producer procedure that pg_cron calls. */
export const PRODUCER_PROCEDURE = 'birth_lane.run_producer(integer,integer,text)';

// Directly under src/ so the path resolves the same from src/ (tests) and dist/ (the build).
const SQL_DIR = new URL('../sql/', import.meta.url);

/**
 * The producer's database objects, as install steps: rule sets, the database-side cursor, the
 * run bookkeeping (begin_run, finish_run, inspect_batch until an activation compiles it) and the
 * pg_cron procedure.
 */
export const ruleSetSteps: readonly Step[] = [
  sqlStep({
    id: 'inspect-producer/0001_rule_sets',
    title: 'versioned rule sets with at most one active',
    risk: 'low',
    prerequisites: ['contract/0004_roles'],
    mutation: readSqlFile(SQL_DIR, '0001_rule_sets.sql'),
    rollback: 'drop table if exists birth_lane.rule_sets;',
    footprint: [
      'table:birth_lane.rule_sets',
      'index:birth_lane.rule_sets_one_active_idx',
      'grant:table:birth_lane.rule_sets:birth_lane_governance:SELECT',
      'grant:table:birth_lane.rule_sets:birth_lane_producer:SELECT',
      'grant:table:birth_lane.rule_sets:birth_lane_reader:SELECT',
    ],
  }),
  sqlStep({
    id: 'inspect-producer/0002_producer_cursor',
    title: 'resume point of the database-side producer',
    risk: 'low',
    prerequisites: ['inspect-producer/0001_rule_sets'],
    mutation: readSqlFile(SQL_DIR, '0002_producer_cursor.sql'),
    rollback: 'drop table if exists birth_lane.producer_cursor;',
    footprint: [
      'table:birth_lane.producer_cursor',
      'grant:table:birth_lane.producer_cursor:birth_lane_producer:INSERT',
      'grant:table:birth_lane.producer_cursor:birth_lane_producer:SELECT',
      'grant:table:birth_lane.producer_cursor:birth_lane_producer:UPDATE',
      'grant:table:birth_lane.producer_cursor:birth_lane_reader:SELECT',
    ],
  }),
  sqlStep({
    id: 'inspect-producer/0003_producer_runs',
    title:
      'server-side run bookkeeping: begin_run, finish_run, and inspect_batch until a rule set is activated',
    risk: 'medium',
    prerequisites: ['inspect-producer/0001_rule_sets', 'contract/0002_evidence'],
    mutation: readSqlFile(SQL_DIR, '0003_producer_runs.sql'),
    rollback:
      'drop function if exists birth_lane.birth_pen_failures(public.birth_registry); drop function if exists birth_lane.inspect_batch(uuid, bigint, bigint, integer); drop function if exists birth_lane.compiled_rule_set(); drop function if exists birth_lane.finish_run(uuid, text, text); drop function if exists birth_lane.begin_run(text); drop table if exists birth_lane.producer_run_ranges; drop table if exists birth_lane.producer_runs;',
    footprint: [
      'table:birth_lane.producer_runs',
      'table:birth_lane.producer_run_ranges',
      'function:birth_lane.begin_run(text)',
      'function:birth_lane.finish_run(uuid,text,text)',
      'function:birth_lane.inspect_batch(uuid,bigint,bigint,integer)',
      'function:birth_lane.compiled_rule_set()',
      'index:birth_lane.producer_runs_started_idx',
      'grant:function:birth_lane.begin_run(text):birth_lane_producer:EXECUTE',
      'grant:function:birth_lane.compiled_rule_set():PUBLIC:EXECUTE',
      'grant:function:birth_lane.compiled_rule_set():birth_lane_governance:EXECUTE',
      'grant:function:birth_lane.compiled_rule_set():birth_lane_producer:EXECUTE',
      'grant:function:birth_lane.compiled_rule_set():birth_lane_reader:EXECUTE',
      'grant:function:birth_lane.finish_run(uuid,text,text):birth_lane_producer:EXECUTE',
      'grant:function:birth_lane.inspect_batch(uuid,bigint,bigint,integer):birth_lane_producer:EXECUTE',
      'grant:table:birth_lane.producer_run_ranges:birth_lane_governance:SELECT',
      'grant:table:birth_lane.producer_run_ranges:birth_lane_producer:SELECT',
      'grant:table:birth_lane.producer_run_ranges:birth_lane_reader:SELECT',
      'grant:table:birth_lane.producer_runs:birth_lane_governance:SELECT',
      'grant:table:birth_lane.producer_runs:birth_lane_producer:SELECT',
      'grant:table:birth_lane.producer_runs:birth_lane_reader:SELECT',
    ],
  }),
  sqlStep({
    id: 'inspect-producer/0004_run_producer_procedure',
    title: 'database-side producer procedure (pg_cron), calling inspect_batch per batch',
    risk: 'medium',
    prerequisites: ['inspect-producer/0002_producer_cursor', 'inspect-producer/0003_producer_runs'],
    mutation: readSqlFile(SQL_DIR, '0004_run_producer.sql'),
    rollback: 'drop procedure if exists birth_lane.run_producer(integer, integer, text);',
    footprint: [
      `function:${PRODUCER_PROCEDURE}`,
      'grant:function:birth_lane.run_producer(integer,integer,text):birth_lane_producer:EXECUTE',
    ],
  }),
  sqlStep({
    id: 'inspect-producer/0005_producer_cursor_definer',
    title:
      'producer cursor written only by advance_producer_cursor (SECURITY DEFINER); no lane role writes it',
    // It takes a write privilege away from a role in use and replaces the producer procedure.
    risk: 'medium',
    prerequisites: ['inspect-producer/0004_run_producer_procedure'],
    mutation: readSqlFile(SQL_DIR, '0005_producer_cursor_definer.sql'),
    // Back to 0004's procedure and 0002's grants: the SQL files themselves, so the rollback is what was there.
    rollback: [
      readSqlFile(SQL_DIR, '0004_run_producer.sql'),
      'grant insert, update on birth_lane.producer_cursor to birth_lane_producer;',
      'drop function if exists birth_lane.advance_producer_cursor(uuid, boolean);',
    ].join('\n'),
    footprint: [
      'function:birth_lane.advance_producer_cursor(uuid,boolean)',
      'grant:function:birth_lane.advance_producer_cursor(uuid,boolean):birth_lane_producer:EXECUTE',
    ],
    changes: [`function:${PRODUCER_PROCEDURE}`],
    removes: [
      'grant:table:birth_lane.producer_cursor:birth_lane_producer:INSERT',
      'grant:table:birth_lane.producer_cursor:birth_lane_producer:UPDATE',
    ],
  }),
];
