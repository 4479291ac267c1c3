import {
  type CatalogSnapshot,
  compareFootprint,
  diffCatalog,
  type Step,
  snapshotCatalog,
} from '@birth-lane/contract';
import type pg from 'pg';

/**
 * Roles are cluster-wide: other test databases on the same server use the lane's roles, so a
 * rollback here rightly leaves a role another database still depends on. Such a role may differ
 * between the pre-step snapshot and the one after the rollback; nothing else may.
 */
async function usedElsewhere(pool: pg.Pool, ref: string): Promise<boolean> {
  const match = /^role:(.+)$/.exec(ref);
  if (!match) return false;
  const { rows } = await pool.query<{ used: boolean }>(
    `select exists (
       select 1 from pg_shdepend d join pg_roles r on r.oid = d.refobjid
        where r.rolname = $1::text and d.refclassid = 'pg_authid'::regclass
          and d.dbid <> (select oid from pg_database where datname = current_database()))
     or exists (select 1 from pg_auth_members m join pg_roles r on r.oid in (m.roleid, m.member) where r.rolname = $1::text)
     as used`,
    [match[1]],
  );
  return rows[0]?.used === true;
}

/** What each step did beyond or short of its plan, and what its rollback failed to restore. */
export interface StepReport {
  readonly id: string;
  readonly unplanned: readonly string[];
  readonly unrealised: readonly string[];
  readonly notRestored: readonly string[];
  readonly reapplyDiffers: readonly string[];
}

/**
 * Snapshot, apply the step, snapshot: the diff must be its plan. Roll it back: the catalog must be
 * the pre-step one. Apply it again: the same catalog as the first time. On a server other test
 * databases share, `sharedCluster` lets a role the rollback could not drop stay when another
 * database uses it; on a cluster of its own, nothing may stay but an adopted registry.
 */
export async function checkStep(
  pool: pg.Pool,
  step: Step,
  options: { sharedCluster: boolean },
): Promise<{ report: StepReport; after: CatalogSnapshot }> {
  const before = await snapshotCatalog(pool);
  await pool.query(step.mutation);
  const after = await snapshotCatalog(pool);
  const { unplanned, unrealised } = compareFootprint(step, diffCatalog(before, after), {
    alreadyPresent: Object.keys(before.objects),
  });

  await pool.query(step.rollback);
  const restored = diffCatalog(before, await snapshotCatalog(pool));
  const notRestored: string[] = [];
  // A field's own registry (adopted) stays whatever happens; an adopted role stays only while
  // another database uses it (possible on a shared server only).
  const keptOnPurpose = (ref: string) => step.adopts?.includes(ref) === true && !ref.startsWith('role:');
  for (const ref of restored.added)
    if (!keptOnPurpose(ref) && !(options.sharedCluster && (await usedElsewhere(pool, ref))))
      notRestored.push(`added:${ref}`);
  // Never: a rollback that drops what was there before (a role someone had, a grant).
  for (const ref of restored.removed) notRestored.push(`removed:${ref}`);
  for (const ref of restored.changed) notRestored.push(`changed:${ref}`);

  await pool.query(step.mutation);
  const reapplied = await snapshotCatalog(pool);
  const again = diffCatalog(after, reapplied);
  const reapplyDiffers = [...again.added, ...again.removed, ...again.changed];
  return { report: { id: step.id, unplanned, unrealised, notRestored, reapplyDiffers }, after: reapplied };
}
