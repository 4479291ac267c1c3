import { REGISTRY_TABLE } from '@birth-lane/contract';

/** The id span of today's uncertified governed rows (nulls when there is none): what a run has to cover. */
export const SELECT_UNCERTIFIED_SPAN_SQL = `select min(id)::text as first, max(id)::text as last from ${REGISTRY_TABLE}
  where certified = false and governance_role = 'governed'`;

export interface UncertifiedSpanRow {
  readonly first: string | null;
  readonly last: string | null;
}
