import {
  type Check,
  canonicalJson,
  INSPECT_STAGES,
  type InspectStage,
  type RuleSet,
} from '@birth-lane/contract';

export interface StageDiff {
  /** Checks only in the second rule set, in its order. */
  readonly added: readonly Check[];
  /** Checks only in the first rule set, in its order. */
  readonly removed: readonly Check[];
  /** Checks with the same id in both whose content differs. */
  readonly changed: readonly { readonly id: string; readonly from: Check; readonly to: Check }[];
  /** True when the checks common to both come in a different order (failures are reported in check order). */
  readonly reordered: boolean;
}

export interface RuleSetDiff {
  readonly from: string;
  readonly to: string;
  readonly stages: Readonly<Record<InspectStage, StageDiff>>;
  /** True when nothing a run judges differs (descriptions aside). */
  readonly identical: boolean;
}

/** What changes, stage by stage, when `to` replaces `from`. Checks are matched by id. */
export function diffRuleSets(from: RuleSet, to: RuleSet): RuleSetDiff {
  const stages = {} as Record<InspectStage, StageDiff>;
  for (const stage of INSPECT_STAGES) stages[stage] = diffStage(from.stages[stage], to.stages[stage]);
  const identical = INSPECT_STAGES.every((stage) => {
    const diff = stages[stage];
    return !diff.reordered && diff.added.length + diff.removed.length + diff.changed.length === 0;
  });
  return { from: from.version, to: to.version, stages, identical };
}

function diffStage(before: readonly Check[], after: readonly Check[]): StageDiff {
  const beforeById = new Map(before.map((check) => [check.id, check]));
  const afterById = new Map(after.map((check) => [check.id, check]));
  const changed = after.flatMap((check) => {
    const old = beforeById.get(check.id);
    return old !== undefined && canonicalJson(old) !== canonicalJson(check)
      ? [{ id: check.id, from: old, to: check }]
      : [];
  });
  const commonBefore = before.filter((check) => afterById.has(check.id)).map((check) => check.id);
  const commonAfter = after.filter((check) => beforeById.has(check.id)).map((check) => check.id);
  return {
    added: after.filter((check) => !beforeById.has(check.id)),
    removed: before.filter((check) => !afterById.has(check.id)),
    changed,
    reordered: commonBefore.join('\n') !== commonAfter.join('\n'),
  };
}
