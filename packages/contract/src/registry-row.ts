import { z } from 'zod';

/**
 * The identity root's shape: an upper-case prefix, a dash, at least three digits (`PREFIX-NNN…`).
 * The same pattern is enforced in SQL by the birth block, so keep the two in step.
 */
export const ENTITY_CODE_PATTERN = /^[A-Z][A-Z0-9]{0,31}-[0-9]{3,24}$/;
export const ENTITY_CODE_PATTERN_SQL = '^[A-Z][A-Z0-9]{0,31}-[0-9]{3,24}$';

export const GOVERNANCE_ROLES = ['governed', 'observed'] as const;
export const governanceRoleSchema = z.enum(GOVERNANCE_ROLES, {
  error: () => `must be one of ${GOVERNANCE_ROLES.join(', ')} (only governed rows are inspected)`,
});
export type GovernanceRole = z.infer<typeof governanceRoleSchema>;

/**
 * The registry table, schema-qualified and ready for SQL text. Blocks that build SQL at run time
 * use this one name; the blocks' numbered SQL files spell it out the same way.
 */
export const REGISTRY_TABLE = 'public.birth_registry';

/** The largest PostgreSQL bigint: a registry id above it cannot exist and would fail in SQL as a cast error. */
export const MAX_REGISTRY_ID = 9223372036854775807n;
const REGISTRY_ID_RULE = `must be a positive whole number no larger than ${MAX_REGISTRY_ID} (a bigint registry id)`;

/** True when `text` is a registry id: a decimal from 1 to the bigint maximum, without sign or leading zeros. */
export function isRegistryIdText(text: string): boolean {
  return /^[1-9][0-9]{0,18}$/.test(text) && BigInt(text) <= MAX_REGISTRY_ID;
}

/**
 * The one registry-id schema: ids are bigint in PostgreSQL and travel as decimal strings so no
 * precision is lost. Numbers are accepted only while exact (safe integers).
 */
export const registryIdSchema = z
  .union([
    z.string().refine(isRegistryIdText, { message: REGISTRY_ID_RULE, params: { rule: 'registry_id' } }),
    z
      .number()
      .int()
      .positive()
      .max(Number.MAX_SAFE_INTEGER, 'must be a safe integer; send larger ids as strings'),
  ])
  .transform(String);
export type RegistryId = z.output<typeof registryIdSchema>;

/** The name the evidence and row schemas use; the same schema. */
export const rowIdSchema = registryIdSchema;
export type RowId = RegistryId;

export const entityCodeSchema = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
  .regex(ENTITY_CODE_PATTERN, 'must look like PREFIX-NNN (upper-case prefix, a dash, at least three digits)');

const requiredText = (max: number) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`);

const optionalText = (max: number) =>
  z.string().max(max, `must be at most ${max} characters`).nullable().optional();

const INFINITE_TIMESTAMP = /^\s*[+-]?infinity\s*$/i;
// PostgreSQL's 'infinity' / '-infinity' are accepted by the union only to be refused by name: a
// non-finite time passes every "not in the future" check and breaks every age computed from it.
const timestampSchema = z
  .union([z.date(), z.iso.datetime({ offset: true }), z.string().regex(INFINITE_TIMESTAMP)])
  .transform((value, ctx) => {
    if (typeof value === 'string' && INFINITE_TIMESTAMP.test(value)) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be a finite time, not infinity',
        params: { rule: 'finite' },
      });
      return z.NEVER;
    }
    const date = value instanceof Date ? value : new Date(value);
    if (Number.isNaN(date.getTime())) {
      ctx.addIssue({ code: 'custom', message: 'must be a valid timestamp', params: { rule: 'timestamp' } });
      return z.NEVER;
    }
    return date;
  });

/**
 * What a caller hands to the birth block to mint an identity root. Strict: a birth input that
 * carries a stamp, `certified` or a canonical field is refused, never silently dropped, because
 * that is exactly the fused shortcut this project exists to prevent.
 */
export const birthInputSchema = z.strictObject(
  {
    entity_code: entityCodeSchema,
    collection_name: requiredText(128),
    dot_origin: requiredText(256),
    governance_role: governanceRoleSchema.default('governed'),
    species_code: optionalText(128),
    born_at: timestampSchema.optional(),
    name: optionalText(512),
    description: optionalText(4096),
    status: optionalText(64),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? `is not a birth field: ${issue.keys.join(', ')}` : undefined,
  },
);
export type BirthInput = z.input<typeof birthInputSchema>;
export type ParsedBirthInput = z.output<typeof birthInputSchema>;

const nullableTimestamp = z.date().nullable();

/** A row of `birth_registry` as the blocks read it (pg returns bigint as string, timestamptz as Date). */
export const birthRowSchema = z.object({
  id: rowIdSchema,
  entity_code: z.string().min(1),
  collection_name: z.string().nullable(),
  species_code: z.string().nullable(),
  dot_origin: z.string().nullable(),
  governance_role: governanceRoleSchema,
  born_at: nullableTimestamp,
  name: z.string().nullable(),
  description: z.string().nullable(),
  status: z.string().nullable(),
  inspect_pen: nullableTimestamp,
  inspect_stamp: nullableTimestamp,
  inspect_gate: nullableTimestamp,
  certified: z.boolean(),
  certified_at: nullableTimestamp,
  canonical_address: z.string().nullable(),
  owner: z.string().nullable(),
  jsonb_profile: z.unknown().nullable(),
});
export type BirthRow = z.output<typeof birthRowSchema>;

/** Every column of the registry, in table order. */
export const REGISTRY_COLUMNS = Object.keys(birthRowSchema.shape) as (keyof BirthRow)[];

/** Columns an inspector may read (identity and metadata); stamps and certification are excluded. */
export const INSPECTABLE_FIELDS = [
  'entity_code',
  'collection_name',
  'species_code',
  'dot_origin',
  'born_at',
  'name',
  'description',
  'status',
] as const;
export const inspectableFieldSchema = z.enum(INSPECTABLE_FIELDS);
export type InspectableField = z.infer<typeof inspectableFieldSchema>;

/** The slice of a row the rules judge. Fields may be missing or null: that is what the rules are for. */
export type InspectableRow = { readonly id?: string } & {
  readonly [F in InspectableField]?: string | Date | null;
};

/** Canonical columns: unused until an approved promotion writes them. */
export const CANONICAL_COLUMNS = ['canonical_address', 'owner', 'jsonb_profile', 'status'] as const;
