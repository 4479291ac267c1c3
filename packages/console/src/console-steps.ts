import { readSqlFile, type Step, sqlStep } from '@birth-lane/contract';

const SQL_DIR = new URL('../sql/', import.meta.url);

/**
 * The console's own database objects: four partial indexes on the evidence log, so a run's and a
 * check's failing rows are read a page at a time, and counted by check or over a window, without
 * sorting or scanning the log.
 */
export const consoleSteps: readonly Step[] = [
  sqlStep({
    id: 'console/0001_console_indexes',
    title: 'console: indexes for a run’s and a check’s failing rows (keyset pages) and their counts',
    // Indexes only: no data, no privilege changes; building them on a large log takes a while.
    risk: 'low',
    prerequisites: ['contract/0002_evidence'],
    mutation: readSqlFile(SQL_DIR, '0001_console_indexes.sql'),
    rollback: [
      'drop index if exists birth_lane.evidence_console_recent_failures_idx;',
      'drop index if exists birth_lane.evidence_console_check_failures_idx;',
      'drop index if exists birth_lane.evidence_console_run_checks_idx;',
      'drop index if exists birth_lane.evidence_console_run_failures_idx;',
    ].join('\n'),
    footprint: [
      'index:birth_lane.evidence_console_run_failures_idx',
      'index:birth_lane.evidence_console_run_checks_idx',
      'index:birth_lane.evidence_console_check_failures_idx',
      'index:birth_lane.evidence_console_recent_failures_idx',
    ],
  }),
];
