import { BIRTH_PEN_FAILURES_FUNCTION, type Database, withTransaction } from '@birth-lane/contract';
import { compileBirthPenFailures } from '../run/birth-pen-failures-sql.js';
import { loadActiveRuleSet } from './rule-set-store.js';

export type BirthPenJudgement =
  /** The function exists; nothing was done. */
  | { readonly outcome: 'present' }
  /** It was missing and is now compiled from the active rule set `version` (hash verified). */
  | { readonly outcome: 'compiled'; readonly version: string; readonly hash: string }
  /** No verified active rule set: nothing to compile from (activation compiles it). */
  | { readonly outcome: 'no_active_rule_set'; readonly reason: string };

/**
 * Compiles the birth gate's PEN judgement (the contract's BIRTH_PEN_FAILURES_FUNCTION) from the
 * ALREADY-ACTIVE rule set when it is missing: an install whose rule set was activated before the
 * gate policy existed never got it, and the rule set it needs was approved then. No approval is
 * used and nothing else changes: the same hash-verified document, the same compiler activation
 * uses. A tampered or missing active rule set compiles nothing (the reason is returned).
 */
export async function ensureBirthPenJudgement(db: Database): Promise<BirthPenJudgement> {
  return withTransaction(db, async (connection) => {
    // Activation takes the same lock: the rule set cannot change under us.
    await connection.query("select pg_advisory_xact_lock(hashtext('birth_lane.rule_sets.activate'))");
    const { rows } = await connection.query<{ present: boolean }>(
      'select to_regprocedure($1::text) is not null as present',
      [BIRTH_PEN_FAILURES_FUNCTION],
    );
    if (rows[0]!.present) return { outcome: 'present' };
    const active = await loadActiveRuleSet(connection);
    if (!active.ok) return { outcome: 'no_active_rule_set', reason: active.reason };
    await compileBirthPenFailures(connection, active.ruleSet);
    return { outcome: 'compiled', version: active.ruleSet.version, hash: active.hash };
  });
}
