import {
  BirthLaneError,
  type Database,
  PostgresEvidenceSink,
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
  activatedBy: z.string().trim().min(1, 'must name who activates the rule set').max(200),
});

/**
 * Makes `version` the one active rule set, in one transaction: the active one (if any) is retired,
 * this one activated, and a `rule_set_activated` record appended to the evidence log. A stored
 * document that no longer matches its hash is refused. Re-activating a retired version is allowed
 * (that is how a rule change is rolled back); activating the active version changes nothing.
 */
export async function activateRuleSet(
  db: Database,
  version: string,
  options: { activatedBy: string },
): Promise<ActivatedRuleSet> {
  parseOrThrow(ruleSetVersionSchema, version, 'rule set version');
  const { activatedBy } = parseOrThrow(activateOptionsSchema, options, 'rule set activation');
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
    if (row.status === 'active') return { version, hash: row.hash, previous: version, changed: false };

    const retired = await connection.query<{ version: string }>(
      "update birth_lane.rule_sets set status = 'retired' where status = 'active' returning version",
    );
    await connection.query(
      "update birth_lane.rule_sets set status = 'active', activated_at = now() where version = $1::text",
      [version],
    );
    await new PostgresEvidenceSink(connection).append([
      { kind: 'rule_set_activated', version, hash: row.hash, activatedBy },
    ]);
    return { version, hash: row.hash, previous: retired.rows[0]?.version ?? null, changed: true };
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
      reason: 'no rule set is active in birth_lane.rule_sets; activate one with activateRuleSet',
    };
  }
  const verified = verifyStoredRow(row);
  return verified.ok ? { ...verified, activatedAt: row.activated_at } : verified;
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
