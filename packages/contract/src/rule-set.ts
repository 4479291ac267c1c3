import { z } from 'zod';
import { canonicalJson, sha256Hex } from './canonical-json.js';
import { INSPECT_STAGES } from './inspect.js';
import { inspectableFieldSchema } from './registry-row.js';

/**
 * The check vocabulary. Small on purpose: every check must mean exactly the same thing in the
 * TypeScript reference evaluator and in the SQL the producer compiles it to.
 */
const checkBase = {
  id: z
    .string()
    .regex(/^[a-z][a-z0-9_.-]{0,63}$/, 'must be a lower-case identifier such as pen.entity_code.shape'),
  /** Shown to a person when the check fails. */
  message: z.string().min(1).max(300).optional(),
};

/**
 * Regular expressions must behave identically in JavaScript and in PostgreSQL's ARE engine, so only
 * a portable subset is accepted: no lookbehind, no backreferences, no named groups, no `\b`/`\B`
 * (word boundaries differ), no Unicode property escapes.
 */
const NON_PORTABLE_REGEX = /\(\?<[=!]|\(\?<[a-zA-Z]|\\[1-9]|\\k<|\\[bB]|\\[pP]\{/;

const portablePatternSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(500)
  .superRefine((pattern, ctx) => {
    try {
      new RegExp(pattern, 'u');
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        message: `is not a valid regular expression: ${(error as Error).message}`,
        params: { rule: 'regex' },
      });
      return;
    }
    if (NON_PORTABLE_REGEX.test(pattern)) {
      ctx.addIssue({
        code: 'custom',
        message:
          'uses a construct that PostgreSQL and JavaScript read differently (lookbehind, backreference, named group, \\b, \\p{})',
        params: { rule: 'portable_regex' },
      });
    }
  });

export const requiredCheckSchema = z.strictObject({
  ...checkBase,
  kind: z.literal('required'),
  field: inspectableFieldSchema,
});
export const patternCheckSchema = z.strictObject({
  ...checkBase,
  kind: z.literal('pattern'),
  field: inspectableFieldSchema,
  pattern: portablePatternSchema,
});
export const oneOfCheckSchema = z.strictObject({
  ...checkBase,
  kind: z.literal('one_of'),
  field: inspectableFieldSchema,
  values: z.array(z.string()).min(1, 'must list at least one value'),
});
export const lengthCheckSchema = z
  .strictObject({
    ...checkBase,
    kind: z.literal('length'),
    field: inspectableFieldSchema,
    min: z.number().int().nonnegative().optional(),
    max: z.number().int().positive().optional(),
  })
  .refine((check) => check.min !== undefined || check.max !== undefined, {
    message: 'needs min, max or both',
    path: ['min'],
    params: { rule: 'bounds' },
  })
  .refine((check) => check.min === undefined || check.max === undefined || check.min <= check.max, {
    message: 'min must not exceed max',
    path: ['min'],
    params: { rule: 'bounds' },
  });
/** `born_at` (or another timestamp field) must not lie in the future. */
export const notFutureCheckSchema = z.strictObject({
  ...checkBase,
  kind: z.literal('not_future'),
  field: z.literal('born_at'),
});
/** `species_code` must be one of the values allowed for the row's `collection_name`. */
export const speciesFitCheckSchema = z.strictObject({
  ...checkBase,
  kind: z.literal('species_fit'),
  allowed: z
    .record(z.string().min(1), z.array(z.string().min(1)).min(1, 'must allow at least one species'))
    .refine((map) => Object.keys(map).length > 0, { message: 'must list at least one collection' }),
  /** What a collection absent from `allowed` means. Defaults to `fail`: unknown is not fit. */
  unlisted: z.enum(['fail', 'pass']).default('fail'),
});

export const checkSchema = z.union([
  requiredCheckSchema,
  patternCheckSchema,
  oneOfCheckSchema,
  lengthCheckSchema,
  notFutureCheckSchema,
  speciesFitCheckSchema,
]);
export type Check = z.output<typeof checkSchema>;
export type CheckKind = Check['kind'];

export const RULE_SET_STATUSES = ['draft', 'active', 'retired'] as const;
export const ruleSetStatusSchema = z.enum(RULE_SET_STATUSES);
export type RuleSetStatus = z.infer<typeof ruleSetStatusSchema>;

export const ruleSetVersionSchema = z
  .string()
  .regex(/^[0-9]+\.[0-9]+\.[0-9]+$/, 'must be a semantic version such as 1.0.0');

const stageChecks = z.array(checkSchema).min(1, 'every stage needs at least one check');

export const ruleSetSchema = z
  .strictObject({
    version: ruleSetVersionSchema,
    status: ruleSetStatusSchema.default('draft'),
    description: z.string().max(2000).optional(),
    stages: z.strictObject({ pen: stageChecks, stamp: stageChecks, gate: stageChecks }),
  })
  .superRefine((ruleSet, ctx) => {
    const seen = new Set<string>();
    for (const stage of INSPECT_STAGES) {
      ruleSet.stages[stage].forEach((check, index) => {
        if (seen.has(check.id)) {
          ctx.addIssue({
            code: 'custom',
            path: ['stages', stage, index, 'id'],
            message: `duplicates check id ${check.id}; ids must be unique across the rule set`,
            params: { rule: 'unique' },
          });
        }
        seen.add(check.id);
      });
    }
  });
export type RuleSet = z.output<typeof ruleSetSchema>;
export type RuleSetDocument = z.input<typeof ruleSetSchema>;

/**
 * The rule set's content hash: sha256 of the canonical JSON of its version and checks. Status and
 * description are left out, so activating a rule set does not change what it is.
 */
export function ruleSetHash(ruleSet: RuleSet): string {
  return sha256Hex(canonicalJson({ version: ruleSet.version, stages: ruleSet.stages }));
}

export const ruleSetHashSchema = z.string().regex(/^[0-9a-f]{64}$/, 'must be a sha256 hex digest');

/** Which rule set judged something: every stamp and every run report is traceable to one. */
export const ruleSetRefSchema = z.object({ version: ruleSetVersionSchema, hash: ruleSetHashSchema });
export type RuleSetRef = z.infer<typeof ruleSetRefSchema>;
