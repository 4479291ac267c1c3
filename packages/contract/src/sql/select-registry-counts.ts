import { REGISTRY_TABLE } from '../registry-row.js';
import { inspectStateOf } from './lane-functions.js';

export interface RegistryCountsRow {
  readonly total: number;
  readonly governed: number;
  readonly observed: number;
  readonly pen: number;
  readonly stamp: number;
  readonly gate: number;
  readonly certified: number;
  readonly ambiguous: number;
  readonly backlog: number;
  readonly non_finite_born_at: number;
  readonly oldest: Date | null;
  readonly age: number | null;
}

/**
 * The registry-wide counts, in one scan of the table. Rows with an infinite born_at are counted
 * apart and left out of the backlog's age.
 */
export const SELECT_REGISTRY_COUNTS_SQL = `select count(*)::int as total,
       count(*) filter (where r.governance_role = 'governed')::int as governed,
       count(*) filter (where r.governance_role = 'observed')::int as observed,
       count(r.inspect_pen)::int as pen, count(r.inspect_stamp)::int as stamp, count(r.inspect_gate)::int as gate,
       count(*) filter (where r.certified)::int as certified,
       count(*) filter (where ${inspectStateOf('r')} = 'ambiguous')::int as ambiguous,
       count(*) filter (where not r.certified and r.governance_role = 'governed')::int as backlog,
       count(*) filter (where not isfinite(r.born_at))::int as non_finite_born_at,
       min(r.born_at) filter (where not r.certified and r.governance_role = 'governed' and isfinite(r.born_at)) as oldest,
       extract(epoch from now() - min(r.born_at) filter (
         where not r.certified and r.governance_role = 'governed' and isfinite(r.born_at)))::float8 as age
  from ${REGISTRY_TABLE} r`;
