import { REGISTRY_TABLE } from '../registry-row.js';

export interface LaneReadableRow {
  readonly login: string;
  readonly registry: boolean;
  readonly evidence: boolean;
  readonly can_read_registry: boolean | null;
  readonly can_read_evidence: boolean | null;
}

/** Whether the registry and the evidence log exist here, and whether this login may read them. */
export const SELECT_LANE_READABLE_SQL = `select session_user as login,
       to_regclass('${REGISTRY_TABLE}') is not null as registry,
       to_regclass('birth_lane.evidence') is not null as evidence,
       case when to_regclass('${REGISTRY_TABLE}') is not null
            then has_table_privilege('${REGISTRY_TABLE}', 'select') end as can_read_registry,
       case when to_regclass('birth_lane.evidence') is not null
            then has_table_privilege('birth_lane.evidence', 'select') end as can_read_evidence`;
