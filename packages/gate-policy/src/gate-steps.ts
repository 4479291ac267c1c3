import { REGISTRY_TABLE, readSqlFile, type Step, sqlStep } from '@birth-lane/contract';

const SQL_DIR = new URL('../sql/', import.meta.url);

/** The gate policy's database objects, as install steps (after the contract's steps). */
export const gateSteps: readonly Step[] = [
  sqlStep({
    id: 'gate-policy/0001_birth_gate',
    title: 'birth gate: PEN judged at every birth, warned on record (warning) or refused (block)',
    // It can refuse every birth of the registry.
    risk: 'high',
    prerequisites: ['contract/0004_roles'],
    mutation: readSqlFile(SQL_DIR, '0001_birth_gate.sql'),
    rollback: [
      `drop trigger if exists trg_birth_gate on ${REGISTRY_TABLE};`,
      'drop function if exists birth_lane.fn_birth_gate();',
      'drop function if exists birth_lane.record_birth_gate_warnings(bigint[]);',
      'drop function if exists birth_lane.persisted_gate_setting(text);',
    ].join('\n'),
    footprint: [
      'function:birth_lane.fn_birth_gate()',
      'function:birth_lane.record_birth_gate_warnings(bigint[])',
      'function:birth_lane.persisted_gate_setting(text)',
      'trigger:public.birth_registry.trg_birth_gate',
    ],
    // The first version had no persisted_gate_setting; its SQL re-applies over it.
    upgradesFrom: [
      [
        'function:birth_lane.fn_birth_gate()',
        'function:birth_lane.record_birth_gate_warnings(bigint[])',
        'trigger:public.birth_registry.trg_birth_gate',
      ],
    ],
  }),
  sqlStep({
    id: 'gate-policy/0002_gate_flip',
    title: 'governed gate flip: criteria measured and decided by the database, every flip on record',
    risk: 'medium',
    prerequisites: ['gate-policy/0001_birth_gate', 'contract/0005_heartbeats'],
    mutation: readSqlFile(SQL_DIR, '0002_gate_flip.sql'),
    rollback: [
      'drop function if exists birth_lane.flip_birth_gate(text, bigint, interval, interval);',
      'drop function if exists birth_lane.gate_flip_criteria(bigint, interval, interval);',
      'drop function if exists birth_lane.persisted_gate_mode();',
      'drop function if exists birth_lane.gate_flip_scope();',
      'drop function if exists birth_lane.gate_owner_can_set_mode();',
      'drop function if exists birth_lane.gate_flip_min_health_window();',
    ].join('\n'),
    footprint: [
      'function:birth_lane.gate_owner_can_set_mode()',
      'function:birth_lane.gate_flip_min_health_window()',
      'function:birth_lane.flip_birth_gate(text,bigint,interval,interval)',
      'function:birth_lane.gate_flip_criteria(bigint,interval,interval)',
      'function:birth_lane.persisted_gate_mode()',
      'function:birth_lane.gate_flip_scope()',
      'grant:function:birth_lane.flip_birth_gate(text,bigint,interval,interval):birth_lane_governance:EXECUTE',
      'grant:function:birth_lane.gate_flip_criteria(bigint,interval,interval):birth_lane_governance:EXECUTE',
      'grant:function:birth_lane.gate_flip_criteria(bigint,interval,interval):birth_lane_reader:EXECUTE',
      'grant:function:birth_lane.gate_flip_min_health_window():PUBLIC:EXECUTE',
      'grant:function:birth_lane.gate_flip_min_health_window():birth_lane_governance:EXECUTE',
      'grant:function:birth_lane.gate_flip_min_health_window():birth_lane_reader:EXECUTE',
      'grant:function:birth_lane.gate_flip_scope():PUBLIC:EXECUTE',
      'grant:function:birth_lane.gate_flip_scope():birth_lane_governance:EXECUTE',
      'grant:function:birth_lane.gate_flip_scope():birth_lane_reader:EXECUTE',
      'grant:function:birth_lane.gate_owner_can_set_mode():birth_lane_governance:EXECUTE',
      'grant:function:birth_lane.gate_owner_can_set_mode():birth_lane_reader:EXECUTE',
      'grant:function:birth_lane.persisted_gate_mode():PUBLIC:EXECUTE',
      'grant:function:birth_lane.persisted_gate_mode():birth_lane_governance:EXECUTE',
      'grant:function:birth_lane.persisted_gate_mode():birth_lane_reader:EXECUTE',
    ],
    // The first version had no gate_owner_can_set_mode; its SQL re-applies over it.
    upgradesFrom: [
      [
        'function:birth_lane.flip_birth_gate(text,bigint,interval,interval)',
        'function:birth_lane.gate_flip_criteria(bigint,interval,interval)',
        'function:birth_lane.persisted_gate_mode()',
        'function:birth_lane.gate_flip_scope()',
      ],
    ],
  }),
];
