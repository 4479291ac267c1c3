import {
  BirthLaneError,
  type HashedRuleSet,
  type InspectionCompiler,
  type Queryable,
  SQLSTATE,
  sqlStateOf,
} from '@birth-lane/contract';
import { compileStageFailuresSql } from './compile-sql.js';
import { loadCompiledRuleSet } from './compiled-rule-set.js';
import { loadRuleSet } from './rule-set-store.js';

/**
 * The contract's InspectionCompiler, implemented by this producer: the staging surface (which may
 * not import a producer) judges its copy with the very SQL birth_lane.inspect_batch is compiled
 * from. A stored rule set that fails verification (schema, hash, support) is an error naming why,
 * never a silent null: "no such rule set" and "a tampered rule set" must not look alike.
 */
export const inspectionCompiler: InspectionCompiler = {
  specificationVersion: 'v1',
  async compiledRuleSet(db) {
    let compiled: { version: string | null; hash: string | null };
    try {
      compiled = await loadCompiledRuleSet(db);
    } catch (error) {
      // The producer's install step has not run: nothing was ever compiled.
      if (
        sqlStateOf(error) === SQLSTATE.undefinedFunction ||
        sqlStateOf(error) === SQLSTATE.invalidSchemaName
      )
        return null;
      throw error;
    }
    if (compiled.version === null || compiled.hash === null) return null;
    const stored = await storedOrThrow(db, compiled.version);
    if (stored === null || stored.hash !== compiled.hash) {
      throw new BirthLaneError(
        'SOURCE_RECOVERY_REQUIRED',
        `The inspection was compiled from rule set ${compiled.version} (${compiled.hash}) but the store ${stored === null ? 'has no such version' : `holds ${stored.hash} under that version`}.`,
      );
    }
    return stored;
  },
  storedRuleSet: storedOrThrow,
  stageFailuresSql(ruleSet, stage, rowAlias) {
    return compileStageFailuresSql(ruleSet, stage, rowAlias);
  },
};

async function storedOrThrow(db: Queryable, version: string): Promise<HashedRuleSet | null> {
  let stored: Awaited<ReturnType<typeof loadRuleSet>>;
  try {
    stored = await loadRuleSet(db, version);
  } catch (error) {
    if (sqlStateOf(error) === SQLSTATE.undefinedTable) return null;
    throw error;
  }
  if (stored === null) return null;
  if (!stored.ok) throw new BirthLaneError('SOURCE_RECOVERY_REQUIRED', stored.reason);
  return { ruleSet: stored.ruleSet, hash: stored.hash };
}
