import { readFileSync } from 'node:fs';
import type { Risk } from './approval.js';
import { canonicalJson, sha256Hex } from './canonical-json.js';
import type { CatalogObjectRef } from './catalog.js';
import { snapshotCatalog } from './catalog-snapshot.js';
import { BirthLaneError } from './errors.js';
import type { Database, Queryable } from './ports/queryable.js';
import type { Step, StepCheck } from './ports/step.js';
import { assertNoCreatableSearchPath } from './search-path-guard.js';

/** Reads one of a package's numbered SQL files; `sqlDir` is `new URL('../sql/', import.meta.url)`. */
export function readSqlFile(sqlDir: URL, fileName: string): string {
  return readFileSync(new URL(fileName, sqlDir), 'utf8');
}

export interface SqlStepDefinition {
  readonly id: string;
  readonly title: string;
  readonly risk: Risk;
  readonly prerequisites?: readonly string[];
  readonly mutation: string;
  readonly rollback: string;
  /** Every object the step creates, grants included (`grant:<object>:<grantee>:<PRIVILEGE>`). */
  readonly footprint: readonly CatalogObjectRef[];
  /** Objects the SQL creates only if absent and may find already there (a field registry's own table, a cluster-wide role). */
  readonly adopts?: readonly CatalogObjectRef[];
  /** Existing objects the SQL alters or replaces: their description in a catalog snapshot changes. */
  readonly changes?: readonly CatalogObjectRef[];
  /** Existing objects the SQL drops and grants it revokes. */
  readonly removes?: readonly CatalogObjectRef[];
  /**
   * Complete footprints of earlier versions of this step that its SQL upgrades in place (it drops
   * what the new shape no longer has). A database holding exactly one of them is re-applied over,
   * not refused as a partial state.
   */
  readonly upgradesFrom?: readonly (readonly CatalogObjectRef[])[];
}

/**
 * Builds an install step from plain SQL. Its live re-verify expects the planned objects to be
 * either all absent (a fresh install), all present (a re-apply of idempotent SQL), or exactly an
 * earlier version's objects (`upgradesFrom`); any other mix means the database is in a state
 * nobody planned for, and the step refuses to run.
 */
export function sqlStep(definition: SqlStepDefinition): Step {
  const footprint = definition.footprint;
  // Whether the database holds none, all or an earlier version of the step is judged by its
  // objects, not its grants: a later step may revoke a grant this one made (inspect-producer/0005
  // takes back 0002's INSERT and UPDATE on the cursor), and GRANT re-applies idempotently. The
  // success evidence still requires every planned grant right after the mutation.
  const objects = footprint.filter((ref) => !ref.startsWith('grant:'));
  // One snapshot answers for every ref, grants included, and sees one state of the catalog.
  const census = async (db: Queryable, refs: readonly CatalogObjectRef[]) => {
    const { objects } = await snapshotCatalog(db);
    return refs.filter((ref) => objects[ref] !== undefined);
  };
  const earlierVersionPresent = async (db: Queryable) => {
    for (const earlier of definition.upgradesFrom ?? []) {
      const present = await census(db, earlier);
      if (present.length === earlier.length) return earlier;
    }
    return null;
  };
  return {
    specificationVersion: 'v1',
    id: definition.id,
    title: definition.title,
    risk: definition.risk,
    prerequisites: definition.prerequisites ?? [],
    mutation: definition.mutation,
    rollback: definition.rollback,
    footprint: [...footprint, ...(definition.adopts ?? [])],
    changes: definition.changes ?? [],
    removes: definition.removes ?? [],
    adopts: definition.adopts ?? [],
    async reverify(db) {
      if (objects.length === 0)
        return {
          ok: true,
          observed: 'the step creates grants only (and adopts what exists); its SQL re-applies',
        };
      const present = await census(db, objects);
      if (present.length === 0)
        return { ok: true, observed: `none of the ${objects.length} planned objects exist yet` };
      if (present.length === objects.length) {
        return {
          ok: true,
          observed: `all ${objects.length} planned objects exist; the SQL re-applies over them`,
        };
      }
      const earlier = await earlierVersionPresent(db);
      if (earlier !== null) {
        return {
          ok: true,
          observed: `an earlier version of this step is installed (${earlier.length} objects); the SQL upgrades it`,
        };
      }
      const missing = objects.filter((ref) => !present.includes(ref));
      return {
        ok: false,
        observed: `unexpected partial state: present ${present.join(', ')}; missing ${missing.join(', ')}`,
      };
    },
    async stopConditions(db) {
      const reasons: string[] = [];
      const applied = await appliedStepIds(db);
      for (const prerequisite of definition.prerequisites ?? []) {
        if (!applied.has(prerequisite)) reasons.push(`prerequisite ${prerequisite} has not been applied`);
      }
      const { rows } = await db.query<{ idle: string }>(
        `select count(*)::text as idle from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid() and state like 'idle in transaction%'`,
      );
      if (Number(rows[0]?.idle ?? 0) > 0) reasons.push(`${rows[0]?.idle} session(s) are idle in transaction`);
      return reasons;
    },
    async successEvidence(db): Promise<StepCheck> {
      const expected = [...footprint, ...(definition.adopts ?? [])];
      const { objects } = await snapshotCatalog(db);
      const missing = expected.filter((ref) => objects[ref] === undefined);
      const left = (definition.removes ?? []).filter((ref) => objects[ref] !== undefined);
      if (missing.length === 0 && left.length === 0) {
        const removed = definition.removes?.length
          ? `, ${definition.removes.length} planned removals gone`
          : '';
        return { ok: true, observed: `all ${expected.length} planned objects present${removed}` };
      }
      const parts = [
        missing.length > 0 ? `missing after the mutation: ${missing.join(', ')}` : '',
        left.length > 0 ? `still present after the mutation: ${left.join(', ')}` : '',
      ];
      return { ok: false, observed: parts.filter(Boolean).join('; ') };
    },
  };
}

/** A fingerprint of the step's exact SQL: re-applying a changed step is a different step. */
export function stepDigest(step: Pick<Step, 'id' | 'mutation'>): string {
  return sha256Hex(canonicalJson({ id: step.id, mutation: step.mutation }));
}

const LEDGER_SQL = `
  create schema if not exists birth_lane;
  create table if not exists birth_lane.applied_steps (
    step_id text primary key,
    digest text not null,
    applied_at timestamptz not null default now(),
    applied_by text not null default current_user
  )`;

async function appliedStepIds(db: Queryable): Promise<Set<string>> {
  const { rows } = await db.query<{ present: boolean }>(
    "select to_regclass('birth_lane.applied_steps') is not null as present",
  );
  if (!rows[0]?.present) return new Set();
  const applied = await db.query<{ step_id: string }>('select step_id from birth_lane.applied_steps');
  return new Set(applied.rows.map((row) => row.step_id));
}

export interface InstallResult {
  readonly applied: readonly string[];
  readonly alreadyApplied: readonly string[];
}

/**
 * Applies steps in order, each in its own transaction with its success evidence checked before
 * commit, and records each in `birth_lane.applied_steps`. Refuses first, writing nothing, a
 * database where a lane role can CREATE in a schema on its search_path. Steps already recorded with the same
 * digest are skipped. A session advisory lock keeps two installers from interleaving.
 * Approval gating of each step belongs to the install plan, which wraps this.
 */
export async function installSteps(
  db: Database,
  steps: readonly Step[],
  options: { onStep?: (stepId: string, outcome: 'applied' | 'already_applied') => void } = {},
): Promise<InstallResult> {
  const connection = await db.connect();
  const applied: string[] = [];
  const alreadyApplied: string[] = [];
  try {
    await connection.query("select pg_advisory_lock(hashtext('birth_lane.install'))");
    // Before anything is written: a role holding the lane's rights (a lane or approver role, a
    // member of one, the database owner) able to create objects on its own search_path could
    // shadow what the lane's functions, triggers and owner-side statements name.
    await assertNoCreatableSearchPath(connection);
    await connection.query(LEDGER_SQL);
    for (const step of steps) {
      const digest = stepDigest(step);
      const recorded = await connection.query<{ digest: string }>(
        'select digest from birth_lane.applied_steps where step_id = $1::text',
        [step.id],
      );
      if (recorded.rows[0]?.digest === digest) {
        alreadyApplied.push(step.id);
        options.onStep?.(step.id, 'already_applied');
        continue;
      }
      const stops = await step.stopConditions(connection);
      if (stops.length > 0)
        throw new BirthLaneError('STOP_CONDITION', `Install step ${step.id} stopped: ${stops.join('; ')}`);
      const expected = await step.reverify(connection);
      if (!expected.ok)
        throw new BirthLaneError(
          'STOP_CONDITION',
          `Install step ${step.id} re-verify failed: ${expected.observed}`,
        );
      await connection.query('begin');
      try {
        await connection.query(step.mutation);
        const evidence = await step.successEvidence(connection);
        if (!evidence.ok) {
          throw new BirthLaneError(
            'STOP_CONDITION',
            `Install step ${step.id} did not take effect: ${evidence.observed}`,
          );
        }
        await connection.query(
          `insert into birth_lane.applied_steps (step_id, digest) values ($1::text, $2::text)
           on conflict (step_id) do update set digest = excluded.digest, applied_at = now(), applied_by = current_user`,
          [step.id, digest],
        );
        await connection.query('commit');
      } catch (error) {
        await connection.query('rollback');
        throw error;
      }
      applied.push(step.id);
      options.onStep?.(step.id, 'applied');
    }
    return { applied, alreadyApplied };
  } finally {
    await connection
      .query("select pg_advisory_unlock(hashtext('birth_lane.install'))")
      .catch(() => undefined);
    connection.release();
  }
}
