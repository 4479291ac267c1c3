import { dropRolesIfUnusedSql, readSqlFile, type Step, sqlStep } from '@birth-lane/contract';

const SQL_DIR = new URL('../sql/', import.meta.url);

export const INSTALL_LEDGER_STEP = 'install-plan/0001_install_ledger';

/**
 * The steps that run before any approval can exist: the registry, evidence, approvals, the roles
 * (approvers are role members), and the install ledger itself. The ledger's SQL names the same
 * list (birth_lane.install_bootstrap_steps), so a caller cannot call another step bootstrap.
 */
export const BOOTSTRAP_STEP_IDS: readonly string[] = [
  'contract/0001_registry',
  'contract/0002_evidence',
  'contract/0003_approvals',
  'contract/0004_roles',
  INSTALL_LEDGER_STEP,
];

const LEDGER_TABLES = [
  'birth_lane.install_rehearsals',
  'birth_lane.install_applications',
  'birth_lane.install_rollbacks',
];
/** The functions an installer executes; nobody else (not PUBLIC) may. */
const RECORDING_FUNCTIONS = [
  'function:birth_lane.record_install_rehearsal(text,text,boolean,text,text,text,text,jsonb)',
  'function:birth_lane.record_install_step(text,text,bigint,text[],text,text,text,jsonb,jsonb,text,text)',
  'function:birth_lane.adopt_install_step(text,text,text,text[],text,text,jsonb)',
  'function:birth_lane.record_install_rollback(text,text,bigint,text,text)',
];
/** Asked before a step runs, and by the recording functions: the approval's risk covers the step's. */
const RISK_CHECK_FUNCTION = 'function:birth_lane.install_assert_approval_risk(text,bigint,text)';
const LEDGER_FUNCTIONS = [
  'function:birth_lane.install_bootstrap_steps()',
  'function:birth_lane.install_assert_installer(text)',
  'function:birth_lane.install_active_application(text)',
  RISK_CHECK_FUNCTION,
  ...RECORDING_FUNCTIONS,
];

/** The install ledger: rehearsals, applications and rollbacks, written only through its functions. */
export const installPlanSteps: readonly Step[] = [
  sqlStep({
    id: INSTALL_LEDGER_STEP,
    title: 'install ledger: rehearsals, applications, rollbacks, written only through installer functions',
    risk: 'low',
    prerequisites: ['contract/0004_roles'],
    mutation: readSqlFile(SQL_DIR, '0001_install_ledger.sql'),
    rollback: [
      'drop function if exists birth_lane.record_install_rollback(text, text, bigint, text, text);',
      'drop function if exists birth_lane.adopt_install_step(text, text, text, text[], text, text, jsonb);',
      'drop function if exists birth_lane.record_install_step(text, text, bigint, text[], text, text, text, jsonb, jsonb, text, text);',
      'drop function if exists birth_lane.record_install_rehearsal(text, text, boolean, text, text, text, text, jsonb);',
      'drop function if exists birth_lane.install_assert_approval_risk(text, bigint, text);',
      'drop function if exists birth_lane.install_active_application(text);',
      'drop function if exists birth_lane.install_assert_installer(text);',
      'drop function if exists birth_lane.install_bootstrap_steps();',
      'drop table if exists birth_lane.install_rollbacks;',
      'drop table if exists birth_lane.install_applications;',
      'drop table if exists birth_lane.install_rehearsals;',
      // The role is cluster-wide: this database's grants go first; then it is dropped only if this
      // step created it (newer than the approvals' tables) and nothing in any database uses it.
      `do $$ begin
         if exists (select 1 from pg_roles where rolname = 'birth_lane_installer') then
           revoke all on schema birth_lane from birth_lane_installer;
           if to_regclass('birth_lane.applied_steps') is not null then
             revoke all on birth_lane.applied_steps from birth_lane_installer;
           end if;
         end if;
       end $$;`,
      dropRolesIfUnusedSql(['birth_lane_installer'], { createdAfter: 'birth_lane.approval_uses' }),
    ].join('\n'),
    footprint: [
      'table:birth_lane.install_rehearsals',
      'table:birth_lane.install_applications',
      'table:birth_lane.install_rollbacks',
      'index:birth_lane.install_rehearsals_step_idx',
      'index:birth_lane.install_applications_step_idx',
      ...LEDGER_FUNCTIONS,
      'trigger:birth_lane.install_rehearsals.install_rehearsals_append_only',
      'trigger:birth_lane.install_rehearsals.install_rehearsals_no_truncate',
      'trigger:birth_lane.install_applications.install_applications_append_only',
      'trigger:birth_lane.install_applications.install_applications_no_truncate',
      'trigger:birth_lane.install_rollbacks.install_rollbacks_append_only',
      'trigger:birth_lane.install_rollbacks.install_rollbacks_no_truncate',
      'grant:schema:birth_lane:birth_lane_installer:USAGE',
      'grant:table:birth_lane.applied_steps:birth_lane_installer:SELECT',
      ...LEDGER_TABLES.flatMap((table) => [
        `grant:table:${table}:birth_lane_installer:SELECT`,
        `grant:table:${table}:birth_lane_reader:SELECT`,
      ]),
      ...RECORDING_FUNCTIONS.map((fn) => `grant:${fn}:birth_lane_installer:EXECUTE`),
      `grant:${RISK_CHECK_FUNCTION}:birth_lane_installer:EXECUTE`,
    ],
    adopts: ['role:birth_lane_installer', 'table:birth_lane.applied_steps'],
  }),
];
