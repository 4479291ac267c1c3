import { readSqlFile, type Step, sqlStep } from '@birth-lane/contract';

// Directly under src/ so the path resolves the same from src/ (tests) and dist/ (the build).
const SQL_DIR = new URL('../sql/', import.meta.url);

/** The producer's tables (rule sets, the database-side cursor), as install steps. */
export const ruleSetSteps: readonly Step[] = [
  sqlStep({
    id: 'inspect-producer/0001_rule_sets',
    title: 'versioned rule sets with at most one active',
    risk: 'low',
    prerequisites: ['contract/0004_roles'],
    mutation: readSqlFile(SQL_DIR, '0001_rule_sets.sql'),
    rollback: 'drop table if exists birth_lane.rule_sets;',
    footprint: ['table:birth_lane.rule_sets', 'index:birth_lane.rule_sets_one_active_idx'],
  }),
  sqlStep({
    id: 'inspect-producer/0002_producer_cursor',
    title: 'resume point of the database-side producer',
    risk: 'low',
    prerequisites: ['inspect-producer/0001_rule_sets'],
    mutation: readSqlFile(SQL_DIR, '0002_producer_cursor.sql'),
    rollback: 'drop table if exists birth_lane.producer_cursor;',
    footprint: ['table:birth_lane.producer_cursor'],
  }),
];
