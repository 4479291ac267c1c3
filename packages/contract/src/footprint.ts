import type { CatalogObjectRef } from './catalog.js';
import type { CatalogDiff } from './catalog-snapshot.js';
import type { Step } from './ports/step.js';

/** The footprint parts of a step; `changes`, `removes` and `adopts` are optional on the port. */
type Footprinted = Pick<Step, 'footprint' | 'changes' | 'removes' | 'adopts'>;

/**
 * Every object the step may touch: what it creates (its `footprint`, which includes what it
 * adopts), what it alters or replaces (`changes`), what it drops or revokes (`removes`). Sorted,
 * each ref once.
 */
export function plannedFootprint(step: Footprinted): CatalogObjectRef[] {
  return [...new Set([...step.footprint, ...(step.changes ?? []), ...(step.removes ?? [])])].sort();
}

export interface FootprintComparison {
  /** Observed changes the step did not plan: a footprint larger than planned. */
  readonly unplanned: readonly string[];
  /** Planned changes that did not happen (`added:`/`removed:`/`changed:` + ref). */
  readonly unrealised: readonly string[];
}

/**
 * Compares what a step did (the catalog diff across it) with what it planned, by direction:
 * an added ref must be one it creates or adopts, a removed ref one it removes, a changed ref one
 * it changes (or adopts: a field's own object may be brought up to the lane's shape). Planned
 * creations must all have been added, except adopted objects and ones `alreadyPresent` before
 * (a re-apply); planned removals must all have been removed unless already absent.
 */
export function compareFootprint(
  step: Footprinted,
  diff: CatalogDiff,
  options: { alreadyPresent?: readonly string[]; alreadyAbsent?: readonly string[] } = {},
): FootprintComparison {
  const adopts = new Set(step.adopts ?? []);
  const creates = new Set(step.footprint);
  const changes = new Set(step.changes ?? []);
  const removes = new Set(step.removes ?? []);
  const unplanned = [
    ...diff.added.filter((ref) => !creates.has(ref)).map((ref) => `added:${ref}`),
    ...diff.removed.filter((ref) => !removes.has(ref)).map((ref) => `removed:${ref}`),
    ...diff.changed.filter((ref) => !changes.has(ref) && !adopts.has(ref)).map((ref) => `changed:${ref}`),
  ];
  const present = new Set(options.alreadyPresent ?? []);
  const absent = new Set(options.alreadyAbsent ?? []);
  const added = new Set(diff.added);
  const removed = new Set(diff.removed);
  const changed = new Set(diff.changed);
  const unrealised = [
    ...[...creates]
      .filter((ref) => !adopts.has(ref) && !present.has(ref) && !added.has(ref))
      .map((ref) => `added:${ref}`),
    ...[...removes].filter((ref) => !absent.has(ref) && !removed.has(ref)).map((ref) => `removed:${ref}`),
    ...[...changes].filter((ref) => !changed.has(ref) && !added.has(ref)).map((ref) => `changed:${ref}`),
  ];
  return { unplanned: unplanned.sort(), unrealised: unrealised.sort() };
}
