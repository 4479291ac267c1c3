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
    footprint: CLASSIFIER_FUNCTIONS.map((signature) => `function:${signature.replaceAll(' ', '')}`),
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
      'drop function if exists birth_lane.fn_birth_inspect_stud();',
    footprint: [
      'function:birth_lane.fn_birth_inspect_stud()',
      'trigger:public.birth_registry.trg_birth_inspect_stud',
      'trigger:public.birth_registry.trg_birth_inspect_stud_insert',
    ],
    // Until 9ac17c6 one trigger served INSERT and UPDATE.
    upgradesFrom: [
      ['function:birth_lane.fn_birth_inspect_stud()', 'trigger:public.birth_registry.trg_birth_inspect_stud'],
    ],
  }),
];
