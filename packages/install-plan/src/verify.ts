import type { Queryable, Step } from '@birth-lane/contract';
import { type CatalogSnapshot, catalogSnapshotHash, diffCatalog, snapshotCatalog } from './catalog.js';
import { readLedger } from './install-ledger.js';
import { expectedFootprint, missingFromLive, outsideFootprints } from './live-footprint.js';
import { planFromLedger } from './plan.js';

export interface VerifyCheck {
  readonly name:
    | 'all_steps_applied'
    | 'footprint_present'
    | 'nothing_outside_footprints'
    | 'catalog_matches_last_apply';
  readonly ok: boolean;
  readonly observed: string;
  readonly objects: readonly string[];
}

export interface VerifyReport {
  readonly ok: boolean;
  /** Objects the lane's own governed operations created or replaced since (allowed, listed). */
  readonly runtimeChanges: readonly string[];
  readonly planHash: string;
  readonly liveHash: string;
  readonly checks: readonly VerifyCheck[];
}

/**
 * `install verify`: every step of the plan is in place at its current version; the LIVE catalog
 * holds every object the applied steps' definitions plan (not what the installer recorded: a step
 * recorded as applied whose objects are absent fails); nothing in the lane's schemas, and no lane
 * role's privilege or role, is outside the union of those footprints and the runtime objects
 * (whenever it came: before an apply, between two, by hand); and the live catalog equals the one
 * recorded right after the last apply.
 */
export async function verifyInstall(
  db: Queryable,
  steps: readonly Step[],
  options: {
    /**
     * Refs the lane's governed operations create or replace after install (a rule-set activation
     * compiles the inspection function): changes to exactly these are listed, not failed.
     */
    runtimeObjects?: readonly string[];
  } = {},
): Promise<VerifyReport> {
  const runtime = new Set(options.runtimeObjects ?? []);
  const runtimeChanges: string[] = [];
  const plan = planFromLedger(steps, await readLedger(db));
  const notInPlace = plan.steps.filter((step) => step.status !== 'applied');
  const live = await snapshotCatalog(db);
  const liveHash = catalogSnapshotHash(live);
  const checks: VerifyCheck[] = [
    {
      name: 'all_steps_applied',
      ok: notInPlace.length === 0,
      observed:
        notInPlace.length === 0
          ? `all ${plan.steps.length} steps applied at their planned version`
          : `${notInPlace.length} of ${plan.steps.length} steps not in place: ${notInPlace.map((step) => `${step.id} (${step.status})`).join(', ')}`,
      objects: notInPlace.map((step) => step.id),
    },
  ];
  const byId = new Map(steps.map((step) => [step.id, step]));
  const applied = plan.steps
    .filter((step) => step.status === 'applied')
    .map((step) => byId.get(step.id) as Step);
  const expected = expectedFootprint(applied);
  const missing = missingFromLive(expected, live, runtime);
  checks.push({
    name: 'footprint_present',
    ok: missing.length === 0,
    observed:
      missing.length === 0
        ? `all ${expected.present.size} planned objects of the ${applied.length} applied steps are in the live catalog`
        : `${missing.length} planned object(s) of applied steps are missing from the live catalog: ${missing.join(', ')}`,
    objects: missing,
  });
  const outside = outsideFootprints(expected, live, runtime);
  checks.push({
    name: 'nothing_outside_footprints',
    ok: outside.length === 0,
    observed:
      outside.length === 0
        ? `nothing in the lane's schemas (${[...expected.schemas].sort().join(', ')}) or for its roles is outside the applied footprints`
        : `${outside.length} object(s) in the lane's schemas or for its roles are in no applied step's footprint: ${outside.join(', ')}`,
    objects: outside,
  });
  if (plan.ledgerInstalled) {
    const { rows } = await db.query<{ step_id: string; after_snapshot: CatalogSnapshot }>(
      `select a.step_id, a.after_snapshot from birth_lane.install_applications a
        where a.kind <> 'adopted'
          and not exists (select 1 from birth_lane.install_rollbacks r where r.application_id = a.id)
        order by a.id desc limit 1`,
    );
    const last = rows[0];
    if (last === undefined) {
      checks.push({
        name: 'catalog_matches_last_apply',
        ok: false,
        observed: 'no step was applied through the plan yet',
        objects: [],
      });
    } else {
      const diff = diffCatalog(last.after_snapshot, live);
      const all: [string, string][] = [
        ...diff.added.map((ref): [string, string] => [ref, `added ${ref}`]),
        ...diff.removed.map((ref): [string, string] => [ref, `removed ${ref}`]),
        ...diff.changed.map((ref): [string, string] => [ref, `changed ${ref}`]),
      ];
      for (const [ref, entry] of all) if (runtime.has(ref)) runtimeChanges.push(entry);
      const changed = all.filter(([ref]) => !runtime.has(ref)).map(([, entry]) => entry);
      checks.push({
        name: 'catalog_matches_last_apply',
        ok: changed.length === 0,
        observed:
          changed.length === 0
            ? `the live catalog (${liveHash.slice(0, 12)}) equals the one recorded after ${last.step_id}${runtimeChanges.length ? `, but for ${runtimeChanges.length} object(s) the lane's own operations manage` : ''}`
            : `${changed.length} object(s) changed since the last apply (${last.step_id})`,
        objects: changed,
      });
    }
  } else {
    checks.push({
      name: 'catalog_matches_last_apply',
      ok: false,
      observed: 'the install ledger is not installed',
      objects: [],
    });
  }
  return { ok: checks.every((check) => check.ok), runtimeChanges, planHash: plan.planHash, liveHash, checks };
}
