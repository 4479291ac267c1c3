import { readSqlFile, type Step, sqlStep } from '@birth-lane/contract';

const SQL_DIR = new URL('../sql/', import.meta.url);

/**
 * The backlog pass's database objects, as install steps (after the contract, the inspect stud guard,
 * whose marker table the rollback writes, and the producer's runs, whose inspection the pass calls).
 */
export const backlogSteps: readonly Step[] = [
  sqlStep({
    id: 'backlog/0001_backlog_pass',
    title: 'backlog pass: approved scope, worker cursor, batch record, pause/resume, rollback by run',
    // It stamps (and, rolled back, clears stamps on) up to every historical row of the registry.
    risk: 'high',
    prerequisites: ['inspect-contract/0002_inspect_guard', 'inspect-producer/0003_producer_runs'],
    mutation: readSqlFile(SQL_DIR, '0001_backlog_pass.sql'),
    rollback: [
      'drop function if exists birth_lane.backlog_rollback_step(uuid);',
      'drop function if exists birth_lane.backlog_rollback_start(uuid, bigint);',
      'drop function if exists birth_lane.backlog_revoke(bigint, text);',
      'drop function if exists birth_lane.backlog_resume(uuid);',
      'drop function if exists birth_lane.backlog_pause(uuid);',
      'drop function if exists birth_lane.backlog_batch(uuid, text, uuid, integer);',
      'drop function if exists birth_lane.backlog_claim(uuid);',
      'drop function if exists birth_lane.backlog_verify(uuid, integer);',
      'drop function if exists birth_lane.backlog_own_pass(uuid);',
      'drop function if exists birth_lane.backlog_close(uuid, text, text);',
      'drop function if exists birth_lane.backlog_start(bigint, integer);',
      'drop function if exists birth_lane.backlog_highest_id();',
      'drop function if exists birth_lane.backlog_nth_in_scope(bigint, bigint, bigint);',
      'drop function if exists birth_lane.backlog_scope_chunk(bigint, bigint);',
      'drop function if exists birth_lane.backlog_checksum(bigint, numeric);',
      'drop function if exists birth_lane.backlog_note(uuid, text, text, jsonb);',
      'drop table if exists birth_lane.backlog_rollback_kept;',
      'drop table if exists birth_lane.backlog_revocations;',
      'drop table if exists birth_lane.backlog_batches;',
      'drop table if exists birth_lane.worker_cursor;',
      'drop table if exists birth_lane.backlog_passes;',
    ].join('\n'),
    footprint: [
      'table:birth_lane.backlog_passes',
      'table:birth_lane.worker_cursor',
      'table:birth_lane.backlog_batches',
      'table:birth_lane.backlog_revocations',
      'table:birth_lane.backlog_rollback_kept',
      'function:birth_lane.backlog_note(uuid,text,text,jsonb)',
      'function:birth_lane.backlog_checksum(bigint,numeric)',
      'function:birth_lane.backlog_scope_chunk(bigint,bigint)',
      'function:birth_lane.backlog_nth_in_scope(bigint,bigint,bigint)',
      'function:birth_lane.backlog_highest_id()',
      'function:birth_lane.backlog_start(bigint,integer)',
      'function:birth_lane.backlog_close(uuid,text,text)',
      'function:birth_lane.backlog_own_pass(uuid)',
      'function:birth_lane.backlog_verify(uuid,integer)',
      'function:birth_lane.backlog_claim(uuid)',
      'function:birth_lane.backlog_batch(uuid,text,uuid,integer)',
      'function:birth_lane.backlog_pause(uuid)',
      'function:birth_lane.backlog_resume(uuid)',
      'function:birth_lane.backlog_revoke(bigint,text)',
      'function:birth_lane.backlog_rollback_start(uuid,bigint)',
      'function:birth_lane.backlog_rollback_step(uuid)',
      'trigger:birth_lane.backlog_revocations.backlog_revocations_append_only',
      'trigger:birth_lane.backlog_revocations.backlog_revocations_no_truncate',
    ],
    // Roles are cluster-wide: another database on the server may have created it already.
    adopts: ['role:birth_lane_backlog'],
  }),
];

/** The NOLOGIN role whose members run backlog passes; grant it to the worker logins. */
export const BACKLOG_ROLE = 'birth_lane_backlog';
