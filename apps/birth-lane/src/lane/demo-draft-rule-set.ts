import type { RuleSet } from '@birth-lane/contract';

/**
 * The draft the main job rehearses: the active rule set with a stricter description (at least 20
 * characters instead of 10), as a newcomer might try before proposing it. It is judged only on a
 * staging surface; nothing stores or activates it.
 */
export function demoDraftRuleSet(active: RuleSet): RuleSet {
  const [major, minor] = active.version.split('.').map(Number);
  return {
    ...active,
    version: `${major}.${(minor ?? 0) + 1}.0`,
    status: 'draft',
    description: `${active.description ?? 'rule set'} (draft: descriptions of at least 20 characters)`,
    stages: {
      ...active.stages,
      stamp: active.stages.stamp.map((check) =>
        check.kind === 'length' && check.field === 'description' ? { ...check, min: 20 } : check,
      ),
    },
  };
}
