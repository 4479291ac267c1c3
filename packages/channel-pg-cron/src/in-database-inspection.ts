import { type Queryable, SQLSTATE, sqlStateOf } from '@birth-lane/contract';
import { READ_INSPECTION_SQL, type ReadInspectionRow } from './sql/read-inspection.js';

export type ActiveRuleSetReading =
  | { readonly ok: true; readonly version: string; readonly hash: string }
  | { readonly ok: false; readonly reason: string };

/**
 * What the job will judge by, asked of the database the job runs in: the active rule set, the one
 * birth_lane.inspect_batch was compiled for, and whether they are the same (only then does a call
 * stamp anything; otherwise inspect_batch refuses and the run reports source_recovery_required).
 * The channel meets the producer block only here and in the procedure its job calls: by catalog
 * name, never by importing the block. An approved activation recompiles the inspection, so the
 * answer follows every activation without a reinstall.
 */
export interface InDatabaseInspection {
  readonly activeRuleSet: ActiveRuleSetReading;
  /** The rule set birth_lane.inspect_batch is compiled for (version null: none compiled yet). */
  readonly compiledFor: { readonly version: string | null; readonly hash: string | null };
  /** True when the compiled inspection is the active rule set's: the job's calls stamp. */
  readonly matchesActiveRuleSet: boolean;
}

export async function readInDatabaseInspection(db: Queryable): Promise<InDatabaseInspection> {
  let row: ReadInspectionRow;
  try {
    row = (await db.query<ReadInspectionRow>(READ_INSPECTION_SQL)).rows[0]!;
  } catch (error) {
    const state = sqlStateOf(error);
    if (state !== SQLSTATE.undefinedTable && state !== SQLSTATE.undefinedFunction) throw error;
    return {
      activeRuleSet: {
        ok: false,
        reason:
          "the producer's rule-set store (birth_lane.rule_sets, birth_lane.compiled_rule_set()) is not installed; install the lane first (birth-lane install)",
      },
      compiledFor: { version: null, hash: null },
      matchesActiveRuleSet: false,
    };
  }
  const compiledFor = { version: row.compiled_version, hash: row.compiled_hash };
  if (row.active_version === null || row.active_hash === null) {
    return {
      activeRuleSet: {
        ok: false,
        reason:
          'no rule set is active in birth_lane.rule_sets; activate one with an approval (birth-lane rules activate <version> --approval <id>)',
      },
      compiledFor,
      matchesActiveRuleSet: false,
    };
  }
  return {
    activeRuleSet: { ok: true, version: row.active_version, hash: row.active_hash },
    compiledFor,
    matchesActiveRuleSet: compiledFor.hash === row.active_hash,
  };
}

/** Why the job would stamp nothing, or null when it will stamp under the active rule set. */
export function whyJobStampsNothing(inspection: InDatabaseInspection): string | null {
  const active = inspection.activeRuleSet;
  if (!active.ok) return active.reason;
  if (inspection.matchesActiveRuleSet) return null;
  const compiled = inspection.compiledFor;
  return (
    `the inspection (birth_lane.inspect_batch) is compiled for ${compiled.version === null ? 'no rule set' : `rule set ${compiled.version} (${compiled.hash})`}, ` +
    `not the active rule set ${active.version} (${active.hash}), so every call would stamp nothing; activate a rule set with an approval to recompile it`
  );
}
