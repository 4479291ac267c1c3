import type { Queryable } from '@birth-lane/contract';
import { z } from 'zod';
import { type ReadinessRow, SELECT_READINESS_SQL } from './sql/select-readiness.js';

export const READINESS_IDS = ['SR-1', 'SR-2', 'SR-3', 'SR-4', 'SR-5', 'SR-6', 'SR-7', 'SR-8'] as const;

export const readinessCheckSchema = z.object({
  id: z.enum(READINESS_IDS),
  title: z.string(),
  ok: z.boolean(),
  /** What was observed, in words and names. */
  observed: z.string(),
});
export type ReadinessCheck = z.infer<typeof readinessCheckSchema>;

/** How the rule set for the surface was resolved (SR-8), decided before readiness runs. */
export type RuleSetResolution =
  | { readonly ok: true; readonly version: string; readonly hash: string; readonly source: string }
  | { readonly ok: false; readonly reason: string };

const list = (items: readonly string[]) => (items.length === 0 ? 'none' : items.join(', '));

/**
 * Seed 000's readiness criteria SR-1 … SR-8, judged from the live catalog. `connection` must be the
 * staging role's, inside a READ ONLY transaction (SR-6 checks that it is). A pure mapping of the
 * one catalog row, so each criterion's rule reads in one place.
 */
export async function checkReadiness(
  connection: Queryable,
  ruleSet: RuleSetResolution,
): Promise<ReadinessCheck[]> {
  const { rows } = await connection.query<ReadinessRow>(SELECT_READINESS_SQL);
  return judgeReadiness(rows[0]!, ruleSet);
}

export function judgeReadiness(row: ReadinessRow, ruleSet: RuleSetResolution): ReadinessCheck[] {
  const contractParts = {
    'role birth_lane_staging': row.role_exists === 1,
    'birth_lane.create_staging_surface / seal_staging_surface / drop_staging_surface': row.creator_exists,
    'the residue search (birth_lane.staging_surface_residue, …_rows_mentioning)': row.residue_search_exists,
    'birth_lane.fn_birth_inspect_stud()': row.stud_exists,
    'birth_lane.refuse_change_to_append_only()': row.append_only_exists,
    'birth_lane.inspect_state(…)': row.classifier_exists,
    'public.birth_registry': row.registry_exists,
  };
  const missing = Object.entries(contractParts)
    .filter(([, present]) => !present)
    .map(([name]) => name);
  const reach = [...row.role_attributes, ...row.member_of.map((role) => `member of ${role}`)];
  return [
    {
      id: 'SR-1',
      title: 'the staging contract exists',
      ok: missing.length === 0,
      observed:
        missing.length === 0
          ? 'staging role, surface create/seal/drop, residue search, stud guard, append-only guard, classifier and registry present'
          : `missing: ${list(missing)} (install staging-surface/0001_staging)`,
    },
    {
      id: 'SR-2',
      title: 'separation: the staging role cannot write production',
      ok: row.role_exists === 1 && row.production_writes.length === 0 && reach.length === 0,
      observed: `write privileges on production relations: ${list(row.production_writes)}; role attributes and memberships: ${list(reach)}`,
    },
    {
      id: 'SR-3',
      title: 'delete is total: the staging role owns nothing outside its surface schemas',
      ok: row.role_exists === 1 && row.owned_outside.length === 0,
      observed: `owned outside bl_stage_* schemas: ${list(row.owned_outside)}`,
    },
    {
      id: 'SR-4',
      title: 'a no-touch proof is owed, and what it compares is readable',
      ok: row.production_readable,
      observed: row.production_readable
        ? "the staging role reads production's stamps and certified (for the comparison); the before/after proof is owed by the rehearsal (birth-lane pilot)"
        : "the staging role cannot read production's stamps and certified",
    },
    {
      id: 'SR-5',
      title: "staging mirrors production's stamp semantics (the B3 stud)",
      ok: row.stud_executable && row.contract_version?.startsWith('1.') === true,
      observed: `inspect contract ${row.contract_version ?? 'absent'}; stud guard ${row.stud_executable ? 'attachable' : 'not attachable'} by the staging role`,
    },
    {
      id: 'SR-6',
      title: 'readiness writes nothing',
      ok: row.read_only,
      observed: row.read_only
        ? 'checked inside a READ ONLY transaction'
        : 'not checked inside a READ ONLY transaction',
    },
    {
      id: 'SR-7',
      title: 'promotion firewall: no lane writer is callable from staging',
      ok: row.role_exists === 1 && row.callable_writers.length === 0,
      observed: `volatile SECURITY DEFINER functions the staging role may execute (besides the staging step's own create/seal/drop): ${list(row.callable_writers)}`,
    },
    {
      id: 'SR-8',
      title: 'the same rules apply inside staging (rule set resolved)',
      ok: ruleSet.ok,
      observed: ruleSet.ok
        ? `rule set ${ruleSet.version} (${ruleSet.hash}) from ${ruleSet.source}, compiled by the production compiler`
        : `SOURCE_RECOVERY_REQUIRED: ${ruleSet.reason}`,
    },
  ];
}
