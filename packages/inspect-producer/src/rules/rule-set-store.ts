import {
  BirthLaneError,
  type Database,
  parseOrThrow,
  type Queryable,
  type RuleSet,
  ruleSetHash,
  ruleSetSchema,
  ruleSetVersionSchema,
  SQLSTATE,
  sqlStateOf,
  toIssues,
  ValidationError,
  withTransaction,
} from '@birth-lane/contract';
import { z } from 'zod';
import { compileBirthPenFailures } from '../run/birth-pen-failures-sql.js';
import { compileInspectBatch } from '../run/inspect-batch-sql.js';
import { assertSupportedRuleSet, ruleSetSupportIssues } from './rule-set-support.js';

/**
 * The rule-set store (`birth_lane.rule_sets`): rule sets saved as drafts by version, one of them
 * active. A version is immutable: once saved, its content never changes; a changed rule set is a
 * new version.
 */

export interface SavedRuleSet {
  readonly version: string;
  readonly hash: string;
  /** False when the identical rule set was already stored under this version. */
  readonly created: boolean;
}

export interface ActivatedRuleSet {
  readonly version: string;
  readonly hash: string;
  /** The version that was active before, if any. */
  readonly previous: string | null;
  /** False when this version was already the active one (nothing changed, no evidence appended). */
  readonly changed: boolean;
  /** The login that activated it (session_user). */
  readonly activatedBy: string;
}

export type ActiveRuleSet =
  | { readonly ok: true; readonly ruleSet: RuleSet; readonly hash: string; readonly activatedAt: Date | null }
  | { readonly ok: false; readonly reason: string };

type Verified =
  | { readonly ok: true; readonly ruleSet: RuleSet; readonly hash: string }
  | { readonly ok: false; readonly reason: string };

interface StoredRow {
  version: string;
  hash: string;
  document: unknown;
  status: string;
  activated_at: Date | null;
}

/** The stored document: what the hash covers plus the description; the status lives in its own column. */
function storedDocument(ruleSet: RuleSet): Record<string, unknown> {
  return { version: ruleSet.version, description: ruleSet.description, stages: ruleSet.stages };
}

/**
 * Stores `ruleSet` as a draft. Saving the same content again is a no-op; a different content under
 * a version that is already stored is refused (publish it under a new version instead). The
 * document's own `status` is ignored: only activateRuleSet makes a rule set active.
 */
export async function saveRuleSet(db: Queryable, ruleSet: RuleSet): Promise<SavedRuleSet> {
  const parsed = parseOrThrow(ruleSetSchema, ruleSet, `rule set ${String(ruleSet?.version)}`);
  assertSupportedRuleSet(parsed);
  const hash = ruleSetHash(parsed);
  const { rows } = await db.query<{ version: string }>(
    `insert into birth_lane.rule_sets (version, hash, document, status)
     values ($1::text, $2::text, $3::jsonb, 'draft')
     on conflict (version) do nothing
     returning version`,
    [parsed.version, hash, JSON.stringify(storedDocument(parsed))],
  );
  if (rows.length > 0) return { version: parsed.version, hash, created: true };

  const existing = await db.query<{ hash: string }>(
    'select hash from birth_lane.rule_sets where version = $1::text',
    [parsed.version],
  );
  const storedHash = existing.rows[0]?.hash;
  if (storedHash === hash) return { version: parsed.version, hash, created: false };
  throw new ValidationError(`rule set ${parsed.version}`, [
    {
      field: 'version',
      rule: 'immutable_version',
      message: `${parsed.version} is already stored with different content (hash ${storedHash ?? 'unknown'}, this one ${hash}); a stored version never changes, so save the change under a new version`,
    },
  ]);
}

const activateOptionsSchema = z.strictObject({
  approvalId: z
    .string()
    .regex(/^[1-9][0-9]{0,18}$/, 'must be the id of a rule_set_activation approval request'),
});

/** The approval scope of activating a rule set: exactly its version and content hash. */
export function activationScope(version: string, hash: string): { version: string; hash: string } {
  return { version, hash };
}

/**
 * Makes `version` the one active rule set, in one transaction run as the lane owner: the
 * `rule_set_activation` approval `approvalId` for exactly `{version, hash}` is consumed (once;
 * birth_lane.consume_approval refuses with BL003 otherwise), the active rule set (if any) is
 * retired, this one activated, birth_lane.inspect_batch compiled from it, and a
 * `rule_set_activated` record naming the login (session_user) appended to the evidence log. A
 * stored document that no longer matches its hash is refused. Re-activating a retired version is
 * allowed with a new approval (that is how a rule change is rolled back); activating the active
 * version when the inspection is already compiled for it changes nothing and uses no approval.
 */
export async function activateRuleSet(
  db: Database,
  version: string,
  options: { approvalId: string | number | bigint },
): Promise<ActivatedRuleSet> {
  parseOrThrow(ruleSetVersionSchema, version, 'rule set version');
  const { approvalId } = parseOrThrow(
    activateOptionsSchema,
    { approvalId: String(options.approvalId) },
    'rule set activation',
  );
  return withTransaction(db, async (connection) => {
    // Two activations at once would each retire the other's pick; take turns instead.
    await connection.query("select pg_advisory_xact_lock(hashtext('birth_lane.rule_sets.activate'))");
    const { rows } = await connection.query<StoredRow>(
      'select version, hash, document, status, activated_at from birth_lane.rule_sets where version = $1::text for update',
      [version],
    );
    const row = rows[0];
    if (row === undefined) {
      throw new ValidationError('rule set activation', [
        { field: 'version', rule: 'exists', message: `no rule set ${version} is stored; save it first` },
      ]);
    }
    const verified = verifyStoredRow(row);
    if (!verified.ok) {
      throw new BirthLaneError(
        'CONFIGURATION_INVALID',
        `Refusing to activate rule set ${version}: ${verified.reason}`,
      );
    }
    const compiled = await connection.query<{ hash: string | null; login: string; judged: boolean }>(
      `select c.hash, session_user::text as login,
              to_regprocedure('birth_lane.birth_pen_failures(public.birth_registry)') is not null as judged
         from birth_lane.compiled_rule_set() c`,
    );
    const login = compiled.rows[0]!.login;
    if (row.status === 'active' && compiled.rows[0]?.hash === row.hash) {
      // Already active: an install from before the gate policy may lack the gate's PEN judgement.
      // It is compiled from this same verified document, using no approval (nothing else changes).
      if (!compiled.rows[0]?.judged) await compileBirthPenFailures(connection, verified.ruleSet);
      return { version, hash: row.hash, previous: version, changed: false, activatedBy: login };
    }

    try {
      await connection.query(
        "select birth_lane.consume_approval($1::bigint, 'rule_set_activation', $2::jsonb)",
        [approvalId, JSON.stringify(activationScope(version, row.hash))],
      );
    } catch (error) {
      if (sqlStateOf(error) !== SQLSTATE.approvalViolation) throw error;
      throw new BirthLaneError(
        'APPROVAL_REQUIRED',
        `Refusing to activate rule set ${version}: ${(error as Error).message}. It needs a rule_set_activation approval with scope {"version":"${version}","hash":"${row.hash}"} that meets quorum and was never used. Nothing was changed.`,
        { cause: error },
      );
    }
    const retired = await connection.query<{ version: string }>(
      "update birth_lane.rule_sets set status = 'retired' where status = 'active' and version <> $1::text returning version",
      [version],
    );
    await connection.query(
      "update birth_lane.rule_sets set status = 'active', activated_at = now() where version = $1::text",
      [version],
    );
    await compileInspectBatch(connection, verified.ruleSet, row.hash);
    // The birth gate's view of PEN changes with the rule set, in the same transaction.
    await compileBirthPenFailures(connection, verified.ruleSet);
    await connection.query(
      `insert into birth_lane.evidence (kind, rule_set_hash, message, payload)
       values ('rule_set_activated', $2::text,
               'rule set ' || $1::text || ' activated by ' || session_user || ' with approval ' || $3::text,
               jsonb_build_object('kind', 'rule_set_activated', 'version', $1::text, 'hash', $2::text,
                                  'activatedBy', session_user::text))`,
      [version, row.hash, approvalId],
    );
    return {
      version,
      hash: row.hash,
      previous: retired.rows[0]?.version ?? (row.status === 'active' ? version : null),
      changed: true,
      activatedBy: login,
    };
  });
}

/**
 * The active rule set, verified: parsed through the contract's schema, supported by this producer,
 * and its content hash recomputed and compared with the stored one. Never throws for a missing,
 * invalid or tampered rule set (nor for a store that is not installed): it answers not-ok with the
 * reason, and the run engine then stamps nothing (SOURCE_RECOVERY_REQUIRED). Connection errors
 * still throw.
 */
export async function loadActiveRuleSet(db: Queryable): Promise<ActiveRuleSet> {
  let rows: StoredRow[];
  try {
    ({ rows } = await db.query<StoredRow>(
      "select version, hash, document, status, activated_at from birth_lane.rule_sets where status = 'active'",
    ));
  } catch (error) {
    if (sqlStateOf(error) === SQLSTATE.undefinedTable) {
      return {
        ok: false,
        reason:
          'the rule-set store birth_lane.rule_sets is not installed (install inspect-producer/0001_rule_sets)',
      };
    }
    throw error;
  }
  const row = rows[0];
  if (row === undefined) {
    return {
      ok: false,
      reason:
        'no rule set is active in birth_lane.rule_sets; activate one with an approval (birth-lane rules activate <version> --approval <id>)',
    };
  }
  const verified = verifyStoredRow(row);
  return verified.ok ? { ...verified, activatedAt: row.activated_at } : verified;
}

export interface StoredRuleSetSummary {
  readonly version: string;
  readonly hash: string;
  readonly status: 'draft' | 'active' | 'retired';
  readonly description: string | null;
  readonly createdAt: Date;
  readonly activatedAt: Date | null;
  /** The number of checks per stage, as stored. */
  readonly checks: { readonly pen: number; readonly stamp: number; readonly gate: number };
}

/** Every stored rule set, newest version first (by semantic version, not text). */
export async function listRuleSets(db: Queryable): Promise<StoredRuleSetSummary[]> {
  const { rows } = await db.query<{
    version: string;
    hash: string;
    status: StoredRuleSetSummary['status'];
    description: string | null;
    created_at: Date;
    activated_at: Date | null;
    pen: number;
    stamp: number;
    gate: number;
  }>(
    `select version, hash, status, document ->> 'description' as description, created_at, activated_at,
            coalesce(jsonb_array_length(case when jsonb_typeof(document #> '{stages,pen}') = 'array' then document #> '{stages,pen}' end), 0) as pen,
            coalesce(jsonb_array_length(case when jsonb_typeof(document #> '{stages,stamp}') = 'array' then document #> '{stages,stamp}' end), 0) as stamp,
            coalesce(jsonb_array_length(case when jsonb_typeof(document #> '{stages,gate}') = 'array' then document #> '{stages,gate}' end), 0) as gate
       from birth_lane.rule_sets
      order by string_to_array(version, '.')::int[] desc`,
  );
  return rows.map((row) => ({
    version: row.version,
    hash: row.hash,
    status: row.status,
    description: row.description,
    createdAt: row.created_at,
    activatedAt: row.activated_at,
    checks: { pen: row.pen, stamp: row.stamp, gate: row.gate },
  }));
}

export type StoredRuleSet =
  | {
      readonly ok: true;
      readonly ruleSet: RuleSet;
      readonly hash: string;
      readonly status: StoredRuleSetSummary['status'];
      readonly activatedAt: Date | null;
    }
  | { readonly ok: false; readonly reason: string; readonly status?: string };

/**
 * One stored rule set, verified like the active one (schema, version, hash, support), or null
 * when no such version is stored.
 */
export async function loadRuleSet(db: Queryable, version: string): Promise<StoredRuleSet | null> {
  parseOrThrow(ruleSetVersionSchema, version, 'rule set version');
  const { rows } = await db.query<StoredRow>(
    'select version, hash, document, status, activated_at from birth_lane.rule_sets where version = $1::text',
    [version],
  );
  const row = rows[0];
  if (row === undefined) return null;
  const verified = verifyStoredRow(row);
  if (!verified.ok) return { ...verified, status: row.status };
  return {
    ...verified,
    status: row.status as StoredRuleSetSummary['status'],
    activatedAt: row.activated_at,
  };
}

function verifyStoredRow(row: StoredRow): Verified {
  const label = `stored rule set ${row.version}`;
  const document = typeof row.document === 'object' && row.document !== null ? row.document : {};
  const result = ruleSetSchema.safeParse({ ...document, status: row.status }, { reportInput: true });
  if (!result.success) {
    const issues = toIssues(result.error).map(
      (issue) => `${issue.field}: ${issue.message} (rule: ${issue.rule})`,
    );
    return { ok: false, reason: `${label} does not satisfy the rule-set schema: ${issues.join('; ')}` };
  }
  const ruleSet = result.data;
  if (ruleSet.version !== row.version) {
    return {
      ok: false,
      reason: `${label} holds a document for version ${ruleSet.version}; the row has been tampered with`,
    };
  }
  const hash = ruleSetHash(ruleSet);
  if (hash !== row.hash) {
    return {
      ok: false,
      reason: `${label} no longer matches its hash (stored ${row.hash}, recomputed ${hash}); the document was changed after it was saved`,
    };
  }
  const unsupported = ruleSetSupportIssues(ruleSet);
  if (unsupported.length > 0) {
    return {
      ok: false,
      reason: `${label} cannot be evaluated identically in SQL: ${unsupported.map((i) => i.message).join('; ')}`,
    };
  }
  return { ok: true, ruleSet, hash };
}
