import { REGISTRY_TABLE } from '../registry-row.js';
import { inspectReasonOf, inspectStateOf, isCanonicalCollection } from './lane-functions.js';

export interface RowByEntityCodeRow {
  readonly id: string;
  readonly entity_code: string;
  readonly collection_name: string | null;
  readonly governance_role: string;
  readonly born_at: Date | null;
  readonly inspect_pen: Date | null;
  readonly inspect_stamp: Date | null;
  readonly inspect_gate: Date | null;
  readonly certified: boolean;
  readonly certified_at: Date | null;
  readonly state: string;
  readonly reason: string;
  readonly canonical: boolean;
}

/** One registry row by its entity code, with its stamps classified and whether its collection is canonical. */
export const SELECT_ROW_BY_ENTITY_CODE_SQL = `select r.id::text as id, r.entity_code, r.collection_name, r.governance_role, r.born_at,
       r.inspect_pen, r.inspect_stamp, r.inspect_gate, r.certified, r.certified_at,
       ${inspectStateOf('r')} as state,
       ${inspectReasonOf('r')} as reason,
       ${isCanonicalCollection('r.collection_name')} as canonical
  from ${REGISTRY_TABLE} r where r.entity_code = $1::text`;
