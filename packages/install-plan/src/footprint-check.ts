import type { Step } from '@birth-lane/contract';
import { type CatalogSnapshot, compareFootprint, diffCatalog } from './catalog.js';
import type { StopConditionName } from './stop-condition.js';

export interface FootprintVerdict {
  readonly ok: boolean;
  readonly stopCondition: StopConditionName | null;
  /** Changed objects outside the footprint that give a lane role or PUBLIC a privilege. */
  readonly forbidden: readonly string[];
  /** Any other changed object outside the footprint. */
  readonly outside: readonly string[];
  readonly changed: number;
}

/**
 * A privilege or membership that lets a lane role (or PUBLIC) do something: a grant ref
 * (`grant:<object ref>:<grantee|PUBLIC>:<PRIVILEGE>`, the object ref has colons of its own) whose
 * grantee is PUBLIC or `birth_lane_*`, a membership in a lane role (whoever the member), or a
 * role with superuser, createrole or bypassrls.
 */
export function grantsLaneRole(ref: string): boolean {
  if (ref.startsWith('membership:')) return true;
  // A role outside the lane's names is in the snapshot only for superuser, createrole or bypassrls.
  if (ref.startsWith('role:')) return !ref.startsWith('role:birth_lane_');
  if (!ref.startsWith('grant:')) return false;
  const parts = ref.split(':');
  const grantee = parts[parts.length - 2] ?? '';
  return grantee === 'PUBLIC' || grantee.startsWith('birth_lane_');
}

/**
 * The catalog diff of a step against its planned footprint. Every added, removed or changed
 * object must be planned so (added `added:`, removed `removed:`, changed `changed:` in the lists); a privilege for a lane role outside it is the forbidden
 * action (a lane role could then do what the plan never allowed), anything else exceeds it.
 */
export function checkFootprint(
  step: Step,
  before: CatalogSnapshot,
  after: CatalogSnapshot,
): FootprintVerdict {
  const diff = diffCatalog(before, after);
  // By direction: an added ref must be planned as created, a removed one as removed, a changed one as changed.
  const { unplanned } = compareFootprint(step, diff);
  const ref = (entry: string) => entry.slice(entry.indexOf(':') + 1);
  const forbidden = unplanned.filter((entry) => !entry.startsWith('removed:') && grantsLaneRole(ref(entry)));
  const outside = unplanned.filter((entry) => !forbidden.includes(entry));
  const stopCondition: StopConditionName | null =
    forbidden.length > 0 ? 'forbidden_action_reachable' : outside.length > 0 ? 'footprint_exceeded' : null;
  return {
    ok: stopCondition === null,
    stopCondition,
    forbidden,
    outside,
    changed: diff.added.length + diff.removed.length + diff.changed.length,
  };
}

export function describeVerdict(verdict: FootprintVerdict): string {
  const parts: string[] = [];
  if (verdict.forbidden.length > 0)
    parts.push(`privileges outside the plan: ${verdict.forbidden.join(', ')}`);
  if (verdict.outside.length > 0) parts.push(`objects outside the footprint: ${verdict.outside.join(', ')}`);
  return parts.join('; ');
}
