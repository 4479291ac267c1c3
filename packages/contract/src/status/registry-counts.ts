import type { Queryable } from '../ports/queryable.js';
import { type RegistryCountsRow, SELECT_REGISTRY_COUNTS_SQL } from '../sql/select-registry-counts.js';

export interface RegistryCounts {
  readonly total: number;
  readonly governed: number;
  readonly observed: number;
  readonly stamped: { readonly pen: number; readonly stamp: number; readonly gate: number };
  readonly certified: number;
  readonly ambiguous: number;
  /** Uncertified governed rows: the producer's work. */
  readonly backlog: number;
  readonly oldestBacklogBornAt: string | null;
  readonly backlogAgeSeconds: number | null;
  /**
   * Rows whose born_at is 'infinity' or '-infinity' (minted before mint_birth refused them):
   * reported, and left out of the backlog age, never a crash.
   */
  readonly nonFiniteBornAt: number;
}

/** The registry-wide counts, in one scan of the table. */
export async function readRegistryCounts(db: Queryable): Promise<RegistryCounts> {
  const { rows } = await db.query<RegistryCountsRow>(SELECT_REGISTRY_COUNTS_SQL);
  const counts = rows[0]!;
  return {
    total: counts.total,
    governed: counts.governed,
    observed: counts.observed,
    stamped: { pen: counts.pen, stamp: counts.stamp, gate: counts.gate },
    certified: counts.certified,
    ambiguous: counts.ambiguous,
    backlog: counts.backlog,
    oldestBacklogBornAt: counts.oldest?.toISOString() ?? null,
    backlogAgeSeconds: counts.age === null ? null : Math.round(counts.age),
    nonFiniteBornAt: counts.non_finite_born_at,
  };
}
