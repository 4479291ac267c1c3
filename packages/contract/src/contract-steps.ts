import { readSqlFile, sqlStep } from './install.js';
import type { Step } from './ports/step.js';
import { REGISTRY_TABLE } from './registry-row.js';

const SQL_DIR = new URL('../sql/', import.meta.url);

/** The shared database surfaces, as install steps: the registry, the evidence log, approvals. */
export const contractSteps: readonly Step[] = [
  sqlStep({
    id: 'contract/0001_registry',
    title: 'birth_registry table and the birth_lane schema',
    risk: 'medium',
    mutation: readSqlFile(SQL_DIR, '0001_registry.sql'),
    // The registry may be the field's own table with a million rows: a rollback never drops it.
    rollback: 'drop index if exists public.birth_registry_uncertified_idx;',
    footprint: ['index:public.birth_registry_uncertified_idx'],
    adopts: ['schema:birth_lane', 'table:public.birth_registry'],
  }),
  sqlStep({
    id: 'contract/0002_evidence',
    title: 'append-only evidence log, written only by typed writers (append_note for notes)',
    risk: 'low',
    prerequisites: ['contract/0001_registry'],
    mutation: readSqlFile(SQL_DIR, '0002_evidence.sql'),
    rollback: [
      'drop function if exists birth_lane.append_note(text, jsonb, uuid);',
      'drop table if exists birth_lane.evidence;',
      'drop function if exists birth_lane.refuse_caller_set_evidence_fields();',
      'drop function if exists birth_lane.refuse_change_to_append_only();',
    ].join(' '),
    footprint: [
      'table:birth_lane.evidence',
      'function:birth_lane.refuse_change_to_append_only()',
      'function:birth_lane.refuse_caller_set_evidence_fields()',
      'function:birth_lane.append_note(text,jsonb,uuid)',
      'trigger:birth_lane.evidence.evidence_append_only',
      'trigger:birth_lane.evidence.evidence_no_truncate',
      'trigger:birth_lane.evidence.evidence_server_fields',
    ],
    // Up to 9ac17c6 a per-row PL/pgSQL trigger set id, time and writer.
    upgradesFrom: [
      [
        'table:birth_lane.evidence',
        'function:birth_lane.refuse_change_to_append_only()',
        'function:birth_lane.fn_evidence_server_set()',
        'function:birth_lane.append_note(text,jsonb,uuid)',
        'trigger:birth_lane.evidence.evidence_append_only',
        'trigger:birth_lane.evidence.evidence_no_truncate',
        'trigger:birth_lane.evidence.evidence_server_set',
      ],
    ],
  }),
  sqlStep({
    id: 'contract/0003_approvals',
    title: 'approval requests, votes and uses, written only through functions bound to the login',
    risk: 'low',
    prerequisites: ['contract/0002_evidence'],
    mutation: readSqlFile(SQL_DIR, '0003_approvals.sql'),
    rollback: [
      'drop function if exists birth_lane.consume_approval(bigint, text, jsonb);',
      'drop function if exists birth_lane.cast_vote(bigint, text, text, text);',
      'drop function if exists birth_lane.request_approval(text, jsonb, text, text, interval);',
      'drop function if exists birth_lane.approval_status(bigint);',
      'drop function if exists birth_lane.approved_request(text, jsonb);',
      'drop function if exists birth_lane.approval_quorum_met(bigint);',
      'drop function if exists birth_lane.approval_missing_votes(bigint);',
      'drop function if exists birth_lane.approval_tally(bigint);',
      'drop function if exists birth_lane.risk_rank(text);',
      'drop function if exists birth_lane.approval_minimum_risk(text);',
      'drop function if exists birth_lane.identity_key(text);',
      'drop function if exists birth_lane.identity_key_removed_class();',
      'drop table if exists birth_lane.approval_uses;',
      'drop table if exists birth_lane.approval_votes;',
      'drop table if exists birth_lane.approval_requests;',
    ].join(' '),
    footprint: [
      'table:birth_lane.approval_requests',
      'table:birth_lane.approval_votes',
      'table:birth_lane.approval_uses',
      'function:birth_lane.identity_key(text)',
      'function:birth_lane.approval_quorum_met(bigint)',
      'function:birth_lane.approved_request(text,jsonb)',
      'function:birth_lane.approval_status(bigint)',
      'function:birth_lane.request_approval(text,jsonb,text,text,interval)',
      'function:birth_lane.cast_vote(bigint,text,text,text)',
      'function:birth_lane.consume_approval(bigint,text,jsonb)',
      'trigger:birth_lane.approval_requests.approval_requests_no_truncate',
      'trigger:birth_lane.approval_votes.approval_votes_no_truncate',
      'trigger:birth_lane.approval_uses.approval_uses_no_truncate',
    ],
  }),
  sqlStep({
    id: 'contract/0004_roles',
    title: 'lane roles with column-level privileges (separation by privilege)',
    risk: 'high',
    prerequisites: ['contract/0003_approvals'],
    mutation: readSqlFile(SQL_DIR, '0004_roles.sql'),
    // Roles are cluster-wide and may be granted to login roles by then: the rollback revokes, never drops.
    rollback: `revoke all on ${REGISTRY_TABLE}, birth_lane.evidence, birth_lane.approval_requests, birth_lane.approval_votes, birth_lane.approval_uses from birth_lane_birth, birth_lane_producer, birth_lane_promoter, birth_lane_governance, birth_lane_reader, birth_lane_president, birth_lane_ai_council, birth_lane_approver;`,
    footprint: [
      'role:birth_lane_birth',
      'role:birth_lane_producer',
      'role:birth_lane_promoter',
      'role:birth_lane_governance',
      'role:birth_lane_reader',
      'role:birth_lane_president',
      'role:birth_lane_ai_council',
      'role:birth_lane_approver',
    ],
  }),
  sqlStep({
    id: 'contract/0005_heartbeats',
    title: 'heartbeats of standing producers',
    risk: 'low',
    prerequisites: ['contract/0004_roles'],
    mutation: readSqlFile(SQL_DIR, '0005_heartbeats.sql'),
    rollback:
      'drop function if exists birth_lane.beat(text, text, text, integer, text, uuid, jsonb); drop table if exists birth_lane.producer_heartbeats;',
    footprint: [
      'table:birth_lane.producer_heartbeats',
      'function:birth_lane.beat(text,text,text,integer,text,uuid,jsonb)',
    ],
  }),
];

/** The lane's NOLOGIN roles; grant them to login roles (`grant birth_lane_producer to my_worker`). */
export const LANE_ROLES = {
  birth: 'birth_lane_birth',
  producer: 'birth_lane_producer',
  promoter: 'birth_lane_promoter',
  governance: 'birth_lane_governance',
  reader: 'birth_lane_reader',
} as const;
