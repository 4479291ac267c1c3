import type { Queryable } from '@birth-lane/contract';

/** A step in place now, as the ledger records it. */
export interface ActiveApplication {
  readonly applicationId: string;
  readonly stepId: string;
  readonly versionHash: string;
  readonly kind: 'approved' | 'bootstrap' | 'adopted';
  readonly approvalId: string | null;
  readonly afterHash: string;
  readonly appliedBy: string;
  readonly appliedAt: string;
}

export interface RehearsalRecord {
  readonly rehearsalId: string;
  readonly stepId: string;
  readonly versionHash: string;
  readonly passed: boolean;
  readonly stopCondition: string | null;
  /**
   * databaseCatalogHash of the catalog the step ran on in the rehearsal (the installer's word,
   * kept in the rehearsal's detail): the apply's must be the same, else the rehearsal is stale.
   */
  readonly entryHash: string | null;
  /** An application already rests on it: the next apply of this step needs a new rehearsal. */
  readonly used: boolean;
}

/** What the install ledger holds now; empty on a database where it does not exist yet. */
export interface LedgerState {
  readonly ledgerInstalled: boolean;
  readonly active: ReadonlyMap<string, ActiveApplication>;
  /** The latest rehearsal per `stepId versionHash`. */
  readonly rehearsals: ReadonlyMap<string, RehearsalRecord>;
  /** The previous release's ledger: step id → digest (id + mutation). */
  readonly legacy: ReadonlyMap<string, string>;
}

export const rehearsalKey = (stepId: string, versionHash: string) => `${stepId} ${versionHash}`;

export async function readLedger(db: Queryable): Promise<LedgerState> {
  const { rows: present } = await db.query<{ ledger: boolean; legacy: boolean }>(
    `select to_regclass('birth_lane.install_applications') is not null as ledger,
            to_regclass('birth_lane.applied_steps') is not null as legacy`,
  );
  const legacy = new Map<string, string>();
  if (present[0]?.legacy) {
    const { rows } = await db.query<{ step_id: string; digest: string }>(
      'select step_id, digest from birth_lane.applied_steps',
    );
    for (const row of rows) legacy.set(row.step_id, row.digest);
  }
  const active = new Map<string, ActiveApplication>();
  const rehearsals = new Map<string, RehearsalRecord>();
  if (!present[0]?.ledger) return { ledgerInstalled: false, active, rehearsals, legacy };
  const applications = await db.query<{
    id: string;
    step_id: string;
    version_hash: string;
    kind: ActiveApplication['kind'];
    approval_id: string | null;
    after_hash: string;
    applied_by: string;
    applied_at: Date;
  }>(
    `select distinct on (a.step_id) a.id::text, a.step_id, a.version_hash, a.kind, a.approval_id::text,
            a.after_hash, a.applied_by, a.applied_at,
            exists (select 1 from birth_lane.install_rollbacks r where r.application_id = a.id) as rolled_back
       from birth_lane.install_applications a
      order by a.step_id, a.id desc`,
  );
  for (const row of applications.rows as ((typeof applications.rows)[number] & { rolled_back: boolean })[]) {
    if (row.rolled_back) continue;
    active.set(row.step_id, {
      applicationId: row.id,
      stepId: row.step_id,
      versionHash: row.version_hash,
      kind: row.kind,
      approvalId: row.approval_id,
      afterHash: row.after_hash,
      appliedBy: row.applied_by,
      appliedAt: row.applied_at.toISOString(),
    });
  }
  const latest = await db.query<{
    id: string;
    step_id: string;
    version_hash: string;
    passed: boolean;
    stop_condition: string | null;
    entry_hash: string | null;
    used: boolean;
  }>(
    `select distinct on (r.step_id, r.version_hash) r.id::text, r.step_id, r.version_hash, r.passed, r.stop_condition,
            r.detail->>'stepEntryHash' as entry_hash,
            exists (select 1 from birth_lane.install_applications a where a.rehearsal_id = r.id) as used
       from birth_lane.install_rehearsals r order by r.step_id, r.version_hash, r.id desc`,
  );
  for (const row of latest.rows) {
    rehearsals.set(rehearsalKey(row.step_id, row.version_hash), {
      rehearsalId: row.id,
      stepId: row.step_id,
      versionHash: row.version_hash,
      passed: row.passed,
      stopCondition: row.stop_condition,
      entryHash: row.entry_hash,
      used: row.used,
    });
  }
  return { ledgerInstalled: true, active, rehearsals, legacy };
}

/** Sessions on this database, other than ours, idle inside an open transaction (they hold locks and old snapshots). */
export async function idleInTransactionSessions(
  db: Queryable,
): Promise<{ pid: number; user: string; since: string }[]> {
  const { rows } = await db.query<{ pid: number; usename: string | null; since: Date | null }>(
    `select pid, usename, state_change as since from pg_catalog.pg_stat_activity
      where datname = current_database() and pid <> pg_backend_pid() and state like 'idle in transaction%'
      order by pid`,
  );
  return rows.map((row) => ({
    pid: row.pid,
    user: row.usename ?? '?',
    since: row.since?.toISOString() ?? '?',
  }));
}

/** The login may record install steps: it holds birth_lane_installer (the ledger's functions check it again). */
export async function loginMayInstall(db: Queryable): Promise<{ ok: boolean; login: string }> {
  const { rows } = await db.query<{ ok: boolean; login: string }>(
    `select session_user::text as login,
            coalesce(pg_catalog.pg_has_role(session_user, (select oid from pg_catalog.pg_roles where rolname = 'birth_lane_installer'), 'MEMBER'), false) as ok`,
  );
  return rows[0]!;
}
