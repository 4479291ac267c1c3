import { INSPECT_CONTRACT_VERSION } from './inspect-contract-version.js';
import { inspectReasonSql, inspectStateSql } from './inspect-sql.js';

const PARAMETERS = 'inspect_pen timestamptz, inspect_stamp timestamptz, inspect_gate timestamptz';

/**
 * The full text of `sql/0001_inspect_stud.sql`. The file is generated from the rule table so the
 * database functions and `classifyStamps` cannot drift apart: a unit test fails when the file and
 * this text differ, and `vitest run -u` rewrites the file.
 */
export function renderInspectStudSql(): string {
  const indent = (text: string) => text.replaceAll('\n', '\n  ');
  const state = indent(inspectStateSql('inspect_pen', 'inspect_stamp', 'inspect_gate'));
  const reason = indent(inspectReasonSql('inspect_pen', 'inspect_stamp', 'inspect_gate'));
  return `-- Why: the inspect stud (B3) as SQL, so every block, query and dashboard classifies a row's three
-- stamps exactly as the TypeScript classifier does. GENERATED from src/inspect-rules.ts by
-- src/inspect-stud-sql.ts: do not edit by hand; change the rules, then run \`vitest run -u\`.
-- Plain SQL functions marked immutable, so the planner inlines them into the calling query.
create schema if not exists birth_lane;

create or replace function birth_lane.inspect_state(${PARAMETERS})
  returns text
  language sql
  immutable
  parallel safe
as $$
  select ${state}
$$;

comment on function birth_lane.inspect_state(timestamptz, timestamptz, timestamptz) is
  'Inspect state of a row''s stamps: none, partial (PEN, or PEN+STAMP, in time order), complete (pen <= stamp <= gate) or ambiguous. Contract ${INSPECT_CONTRACT_VERSION}.';

create or replace function birth_lane.inspect_reason(${PARAMETERS})
  returns text
  language sql
  immutable
  parallel safe
as $$
  select ${reason}
$$;

comment on function birth_lane.inspect_reason(timestamptz, timestamptz, timestamptz) is
  'Stable reason code for birth_lane.inspect_state, e.g. pen_only, gate_without_stamp, stamp_before_pen. Contract ${INSPECT_CONTRACT_VERSION}.';

create or replace function birth_lane.inspect_contract_version()
  returns text
  language sql
  immutable
  parallel safe
as $$
  select '${INSPECT_CONTRACT_VERSION}'::text
$$;

comment on function birth_lane.inspect_contract_version() is
  'Version of the inspect stud installed in this database; blocks compare it with INSPECT_CONTRACT_VERSION.';
`;
}
