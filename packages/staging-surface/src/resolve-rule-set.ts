import {
  BirthLaneError,
  INSPECT_STAGES,
  type InspectionCompiler,
  type InspectStage,
  type Queryable,
  type RuleSet,
  ruleSetHash,
  SQLSTATE,
  sqlStateOf,
} from '@birth-lane/contract';
import type { RuleSetResolution } from './readiness.js';

/** Which rules a surface is judged by. */
export type RuleSetChoice =
  /** What production's inspection is compiled from now (the default). */
  | { readonly kind: 'compiled' }
  /** A stored rule set by version, of any status: a draft under trial is what staging is for. */
  | { readonly kind: 'version'; readonly version: string }
  /** A rule set read from a file (already parsed with the contract's ruleSetSchema). */
  | { readonly kind: 'document'; readonly ruleSet: RuleSet; readonly source: string };

export interface ResolvedRuleSet {
  readonly ruleSet: RuleSet;
  readonly hash: string;
  readonly source: string;
}

/** Each stage's failed-check expression over the alias `k`, from the production compiler. */
export type CompiledStages = Record<InspectStage, string>;

export function compileStages(compiler: InspectionCompiler, ruleSet: RuleSet): CompiledStages {
  const compiled = {} as CompiledStages;
  for (const stage of INSPECT_STAGES) compiled[stage] = compiler.stageFailuresSql(ruleSet, stage, 'k');
  return compiled;
}

/**
 * Resolves the choice to one rule set the production compiler can compile, or says why not (SR-8:
 * an unresolved rule set means no surface and no stamp). Runs with the caller's privileges: the
 * rule-set store is not the staging role's to read. Connection errors still throw.
 */
export async function resolveRuleSet(
  db: Queryable,
  compiler: InspectionCompiler,
  choice: RuleSetChoice,
): Promise<{ resolution: RuleSetResolution; resolved: ResolvedRuleSet | null }> {
  let found: ResolvedRuleSet | null;
  try {
    found = await find(db, compiler, choice);
  } catch (error) {
    if (sqlStateOf(error) === SQLSTATE.insufficientPrivilege) throw storeNotReadable(choice, error);
    if (!BirthLaneError.isInstance(error)) throw error;
    return { resolution: { ok: false, reason: error.message }, resolved: null };
  }
  if (found === null) {
    const reason =
      choice.kind === 'compiled'
        ? 'no rule set was ever activated, so production inspects nothing; pass --rule-set VERSION|FILE to rehearse a draft'
        : `no rule set ${choice.kind === 'version' ? choice.version : ''} is stored`;
    return { resolution: { ok: false, reason }, resolved: null };
  }
  try {
    compileStages(compiler, found.ruleSet);
  } catch (error) {
    return {
      resolution: {
        ok: false,
        reason: `the production compiler cannot compile it: ${(error as Error).message}`,
      },
      resolved: null,
    };
  }
  return {
    resolution: { ok: true, version: found.ruleSet.version, hash: found.hash, source: found.source },
    resolved: found,
  };
}

async function find(
  db: Queryable,
  compiler: InspectionCompiler,
  choice: RuleSetChoice,
): Promise<ResolvedRuleSet | null> {
  switch (choice.kind) {
    case 'compiled': {
      const compiled = await compiler.compiledRuleSet(db);
      return compiled && { ...compiled, source: 'the production inspection (compiled)' };
    }
    case 'version': {
      const stored = await compiler.storedRuleSet(db, choice.version);
      return stored && { ...stored, source: `the rule-set store (version ${choice.version})` };
    }
    case 'document':
      return { ruleSet: choice.ruleSet, hash: ruleSetHash(choice.ruleSet), source: choice.source };
  }
}

/**
 * The login may not read the rule-set store (issue 11 review, finding 6): say which grant makes
 * it work, or that a rule set exported to a file needs none.
 */
function storeNotReadable(choice: RuleSetChoice, cause: unknown): BirthLaneError {
  const what =
    choice.kind === 'version'
      ? `rule set ${choice.version} is read from the rule-set store (birth_lane.rule_sets)`
      : "production's compiled rule set is read from the rule-set store (birth_lane.rule_sets)";
  return new BirthLaneError(
    'FORBIDDEN_ACTION',
    `This login may not read the rule-set store, and ${what}. Either have the lane owner run: grant birth_lane_reader to <your login> (or: grant select on birth_lane.rule_sets to <your login>); or pass the rule set as a file: --rule-set FILE (a rule set exported as JSON), which needs no grant.`,
    { cause },
  );
}
