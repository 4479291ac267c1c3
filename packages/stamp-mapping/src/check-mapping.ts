import type { Queryable } from '@birth-lane/contract';
import { z } from 'zod';
import { parseStampMapping, type StampMappingDocument } from './mapping-document.js';
import { SELECT_STAMP_MAPPING_PROBLEMS_SQL } from './sql/select-stamp-mapping-problems.js';

const problemSchema = z.strictObject({
  entry: z.number().int().nullable(),
  field: z.string(),
  rule: z.string(),
  message: z.string(),
});
/** One thing wrong with a mapping against the live catalog, named by entry and rule. */
export interface MappingProblem {
  /** `mappings.<entry>.<column|stamp|key>`, or `mappings` for the document. */
  readonly field: string;
  readonly rule: string;
  readonly message: string;
}

export interface MappingCheck {
  readonly ok: boolean;
  readonly problems: readonly MappingProblem[];
  /** The mapping's hash as the database computes it: the `mappingHash` a stamp_materialisation approval names. */
  readonly mappingHash: string;
  readonly mapping: StampMappingDocument;
}

/**
 * Checks a mapping against the live catalog (birth_lane.stamp_mapping_problems): every target
 * column exists in public.birth_registry with a type the stamp fits; a mapping that needs a new
 * column is refused as a parallel source of truth, with the reason. Reads only.
 */
export async function checkStampMapping(db: Queryable, input: unknown): Promise<MappingCheck> {
  const mapping = parseStampMapping(input);
  const { rows } = await db.query<{ problems: unknown; hash: string }>(SELECT_STAMP_MAPPING_PROBLEMS_SQL, [
    JSON.stringify(mapping),
  ]);
  const problems = z
    .array(problemSchema)
    .parse(rows[0]!.problems)
    .map((each) => ({
      field: each.entry === null ? each.field : `mappings.${each.entry}.${each.field}`,
      rule: each.rule,
      message: each.message,
    }));
  return { ok: problems.length === 0, problems, mappingHash: rows[0]!.hash, mapping };
}
