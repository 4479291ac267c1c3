import { REGISTRY_TABLE, readSqlFile, type Step, sqlStep } from '@birth-lane/contract';

const SQL_DIR = new URL('../sql/', import.meta.url);

const CLASSIFIER_FUNCTIONS = [
  'birth_lane.inspect_state(timestamptz, timestamptz, timestamptz)',
  'birth_lane.inspect_reason(timestamptz, timestamptz, timestamptz)',
  'birth_lane.inspect_contract_version()',
] as const;

/**
 * The inspect stud's database objects, as install steps: first the classifier functions (no
 * effect on any write), then the guard trigger (every write of the registry passes through it,
 * hence high risk). Roll back in reverse order.
 */
export const inspectContractSteps: readonly Step[] = [
  sqlStep({
    id: 'inspect-contract/0001_inspect_stud',
    title: 'inspect stud classifier functions: inspect_state, inspect_reason, inspect_contract_version',
    risk: 'low',
    prerequisites: ['contract/0004_roles'],
    mutation: readSqlFile(SQL_DIR, '0001_inspect_stud.sql'),
    rollback: CLASSIFIER_FUNCTIONS.map((signature) => `drop function if exists ${signature};`).join('\n'),
    footprint: [
      'function:birth_lane.inspect_state(timestamp with time zone,timestamp with time zone,timestamp with time zone)',
      'function:birth_lane.inspect_reason(timestamp with time zone,timestamp with time zone,timestamp with time zone)',
      'function:birth_lane.inspect_contract_version()',
      // Pure classifiers of three timestamps: anyone may call them (the guard trigger does, as the writer).
      'grant:function:birth_lane.inspect_state(timestamp with time zone,timestamp with time zone,timestamp with time zone):PUBLIC:EXECUTE',
      'grant:function:birth_lane.inspect_reason(timestamp with time zone,timestamp with time zone,timestamp with time zone):PUBLIC:EXECUTE',
      'grant:function:birth_lane.inspect_contract_version():PUBLIC:EXECUTE',
    ],
  }),
  sqlStep({
    id: 'inspect-contract/0002_inspect_guard',
    title: 'inspect stud guard triggers trg_birth_inspect_stud(_insert) on public.birth_registry (BL001)',
    risk: 'high',
    prerequisites: ['inspect-contract/0001_inspect_stud'],
    mutation: readSqlFile(SQL_DIR, '0002_inspect_guard.sql'),
    rollback:
      `drop trigger if exists trg_birth_inspect_stud on ${REGISTRY_TABLE};\n` +
      `drop trigger if exists trg_birth_inspect_stud_insert on ${REGISTRY_TABLE};\n` +
      'drop function if exists birth_lane.fn_birth_inspect_stud();\n' +
      'drop function if exists birth_lane.stamp_clear_sanctioned();\n' +
      'drop table if exists birth_lane.stamp_clear_in_progress;',
    footprint: [
      'table:birth_lane.stamp_clear_in_progress',
      'function:birth_lane.stamp_clear_sanctioned()',
      'function:birth_lane.fn_birth_inspect_stud()',
      'trigger:public.birth_registry.trg_birth_inspect_stud',
      'trigger:public.birth_registry.trg_birth_inspect_stud_insert',
      'grant:function:birth_lane.fn_birth_inspect_stud():PUBLIC:EXECUTE',
      'grant:function:birth_lane.stamp_clear_sanctioned():PUBLIC:EXECUTE',
    ],
    upgradesFrom: [
      // Until 9ac17c6 one trigger served INSERT and UPDATE.
      ['function:birth_lane.fn_birth_inspect_stud()', 'trigger:public.birth_registry.trg_birth_inspect_stud'],
      // Until the backlog rollback, no stamp could be cleared at all (no marker table).
      [
        'function:birth_lane.fn_birth_inspect_stud()',
        'trigger:public.birth_registry.trg_birth_inspect_stud',
        'trigger:public.birth_registry.trg_birth_inspect_stud_insert',
      ],
    ],
  }),
];
