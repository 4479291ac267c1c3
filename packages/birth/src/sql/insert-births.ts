import { REGISTRY_TABLE } from '@birth-lane/contract';

/**
 * Mints a batch in one statement through birth_lane.mint_births (SECURITY DEFINER: the birth role
 * has no INSERT on the registry). `$1` is a JSON array of inputs, each carrying its position `i`;
 * each input comes back once, as minted or existing, with the stored identity fields for the
 * conflict report.
 */
export const INSERT_BIRTHS_SQL = `
select i, minted_id, existing_id, collection_name, dot_origin, governance_role, species_code,
       born_at, name, description, status
from birth_lane.mint_births($1::jsonb)`;

/**
 * Reads rows a concurrent minter committed after INSERT_BIRTHS_SQL took its snapshot: the insert
 * saw them (and skipped), the snapshot did not. A new statement gets a new snapshot.
 */
export const SELECT_BIRTHS_BY_CODE_SQL = `
select id::text as existing_id, entity_code, collection_name, dot_origin, governance_role, species_code,
       born_at, name, description, status
from ${REGISTRY_TABLE}
where entity_code = any($1::text[])`;

export interface StoredBirthFields {
  readonly existing_id: string | null;
  readonly collection_name: string | null;
  readonly dot_origin: string | null;
  readonly governance_role: string | null;
  readonly species_code: string | null;
  readonly born_at: Date | null;
  readonly name: string | null;
  readonly description: string | null;
  readonly status: string | null;
}

export interface InsertBirthsRow extends StoredBirthFields {
  readonly i: number;
  readonly minted_id: string | null;
}

export interface SelectBirthsByCodeRow extends StoredBirthFields {
  readonly entity_code: string;
}
