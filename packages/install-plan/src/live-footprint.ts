import type { Step } from '@birth-lane/contract';
import type { CatalogSnapshot } from './catalog.js';

/**
 * The catalog the applied steps promise, worked out from their definitions (never from what the
 * installer recorded): walking the applied steps in plan order, what a step creates, adopts or
 * changes is expected to be there, what a later step removes is not.
 */
export interface ExpectedFootprint {
  /** Refs that must be in the live catalog. */
  readonly present: ReadonlySet<string>;
  /** Refs that may be there: present ones plus adoptions (an adopted object may not exist). */
  readonly allowed: ReadonlySet<string>;
  /** Schemas the lane's objects live in: any object in them must be planned. */
  readonly schemas: ReadonlySet<string>;
}

export function expectedFootprint(appliedInPlanOrder: readonly Step[]): ExpectedFootprint {
  const present = new Set<string>();
  const adopted = new Set<string>();
  for (const step of appliedInPlanOrder) {
    for (const ref of step.removes ?? []) {
      present.delete(ref);
      adopted.delete(ref);
    }
    for (const ref of [...step.footprint, ...(step.changes ?? [])]) present.add(ref);
    for (const ref of step.adopts ?? []) adopted.add(ref);
  }
  const allowed = new Set([...present, ...adopted]);
  const schemas = new Set<string>();
  for (const ref of allowed) {
    const schema = schemaOf(ref);
    if (schema !== null) schemas.add(schema);
  }
  return { present, allowed, schemas };
}

/**
 * The schema a ref lives in: `schema:<name>` itself, `<kind>:<schema>.<name>…` for objects, and a
 * grant's object's schema. Database-wide refs (roles, memberships, extensions, event triggers,
 * default privileges) have none.
 */
export function schemaOf(ref: string): string | null {
  if (ref.startsWith('grant:')) return schemaOf(ref.slice('grant:'.length));
  const colon = ref.indexOf(':');
  if (colon < 0) return null;
  const kind = ref.slice(0, colon);
  const name = ref.slice(colon + 1);
  if (kind === 'schema') return name.split(':')[0] ?? null;
  if (
    ['table', 'index', 'sequence', 'view', 'function', 'trigger', 'policy', 'type', 'column'].includes(kind)
  ) {
    const dot = name.indexOf('.');
    return dot < 0 ? null : name.slice(0, dot);
  }
  return null;
}

/**
 * A grant to a lane role: lane business in whatever schema. Roles and memberships are cluster-wide
 * (another database's lane may make them), so they are left to the apply's footprint check, which
 * sees them change while a step runs.
 */
function grantsToLaneRole(ref: string): boolean {
  if (!ref.startsWith('grant:')) return false;
  const parts = ref.split(':');
  return (parts[parts.length - 2] ?? '').startsWith('birth_lane_');
}

/**
 * A schema the lane uses but did not create (public) is a container that was there: the schema
 * itself and its grants to others than the lane's roles are not the install's.
 */
function isContainer(ref: string): boolean {
  return ref.startsWith('schema:') || (ref.startsWith('grant:schema:') && !grantsToLaneRole(ref));
}

/** Expected refs that are not in the live catalog (and are not the lane's runtime objects). */
export function missingFromLive(
  expected: ExpectedFootprint,
  live: CatalogSnapshot,
  runtime: ReadonlySet<string>,
): string[] {
  return [...expected.present].filter((ref) => live.objects[ref] === undefined && !runtime.has(ref)).sort();
}

/**
 * Live refs in the lane's schemas, or concerning a lane role, that no applied step plans and that
 * are not runtime objects: whenever they came (before an apply, between two, by hand), they are not
 * the install.
 */
export function outsideFootprints(
  expected: ExpectedFootprint,
  live: CatalogSnapshot,
  runtime: ReadonlySet<string>,
): string[] {
  return Object.keys(live.objects)
    .filter((ref) => !expected.allowed.has(ref) && !runtime.has(ref))
    .filter(
      (ref) =>
        grantsToLaneRole(ref) ||
        (!isContainer(ref) && schemaOf(ref) !== null && expected.schemas.has(schemaOf(ref) as string)),
    )
    .sort();
}
