import {
  GOVERNANCE_ROLES,
  quoteIdentifier,
  quoteLiteral,
  REGISTRY_TABLE,
  ValidationError,
  type ValidationIssue,
} from '@birth-lane/contract';
import { z } from 'zod';
import { issuesOf } from './validation-issues.js';

// PostgreSQL silently truncates a longer name to 63 bytes, so the generated DDL would name
// another column or trigger than the spec says. Refuse instead.
const MAX_IDENTIFIER_BYTES = 63;
const byteLength = (value: string) => new TextEncoder().encode(value).length;

const identifierSchema = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
  .min(1, 'must not be empty')
  .refine((value) => !value.includes('\u0000'), {
    message: 'must not contain a NUL character',
    params: { rule: 'identifier' },
  })
  .refine((value) => byteLength(value) <= MAX_IDENTIFIER_BYTES, {
    message: `must be at most ${MAX_IDENTIFIER_BYTES} bytes (PostgreSQL would silently truncate it)`,
    params: { rule: 'identifier' },
  });

const literalText = z.string({ error: 'must be a string' }).refine((value) => !value.includes('\u0000'), {
  message: 'must not contain a NUL character',
  params: { rule: 'literal' },
});

const requiredLiteral = (max: number) =>
  literalText
    .refine((value) => value.trim().length > 0, { message: 'must not be blank', params: { rule: 'min' } })
    .refine((value) => value.trim().length <= max, {
      message: `must be at most ${max} characters`,
      params: { rule: 'max' },
    });

/** A source column, or `{ literal }`: the same constant for every row of that source table. */
const columnOr = (literal: z.ZodType<string>) =>
  z.union([identifierSchema, z.strictObject({ literal })], {
    error: (issue) => {
      if (issue.input === undefined) return 'is required';
      // An object was meant as a literal: say what is wrong with it rather than "not a column".
      const literalIssue = issue.code === 'invalid_union' ? issue.errors[1]?.[0] : undefined;
      if (typeof issue.input === 'object' && literalIssue) {
        return `${[...literalIssue.path].join('.') || 'literal object'} ${literalIssue.message}`;
      }
      return 'must be a column name or { literal: "…" }';
    },
  });

/** Which source column (or constant) feeds each parameter of birth_lane.mint_birth. */
export const birthTriggerMappingSchema = z.strictObject({
  // A literal entity_code would give every source row the same identity: a column only.
  entity_code: identifierSchema,
  collection_name: columnOr(requiredLiteral(128)),
  dot_origin: columnOr(requiredLiteral(256)),
  governance_role: columnOr(
    z.enum(GOVERNANCE_ROLES, { error: `must be one of ${GOVERNANCE_ROLES.join(', ')}` }),
  ).optional(),
  species_code: columnOr(literalText).optional(),
  // A literal birth time would be wrong for every row but one: a column, or omitted for now().
  born_at: identifierSchema.optional(),
  name: columnOr(literalText).optional(),
  description: columnOr(literalText).optional(),
  status: columnOr(literalText).optional(),
});
export type BirthTriggerMapping = z.input<typeof birthTriggerMappingSchema>;

export const birthTriggerSpecSchema = z.strictObject({
  sourceTable: z.strictObject({ schema: identifierSchema, name: identifierSchema }),
  mapping: birthTriggerMappingSchema,
  /** Default `trg_birth_<table>`; the trigger function is named like it with `fn_` for `trg_`. */
  triggerName: identifierSchema.optional(),
});
export type BirthTriggerSpec = z.input<typeof birthTriggerSpecSchema>;
type ParsedSpec = z.output<typeof birthTriggerSpecSchema>;

export interface BirthTriggerSql {
  readonly sourceTable: { readonly schema: string; readonly name: string };
  readonly triggerName: string;
  /** The trigger function, created in the source table's schema. */
  readonly functionName: string;
  /** Creates (or replaces) the trigger function and the trigger. Idempotent. */
  readonly createSql: string;
  /** Drops the trigger and its function. Idempotent. */
  readonly dropSql: string;
}

export interface BirthTriggerFabricSql {
  readonly triggers: readonly BirthTriggerSql[];
  readonly createSql: string;
  /** Drops in reverse order of creation. */
  readonly dropSql: string;
}

/** mint_birth's parameters in order, with the type each source value is cast to. */
const PARAMETERS = [
  ['entity_code', 'text'],
  ['collection_name', 'text'],
  ['dot_origin', 'text'],
  ['governance_role', 'text'],
  ['species_code', 'text'],
  ['born_at', 'timestamptz'],
  ['name', 'text'],
  ['description', 'text'],
  ['status', 'text'],
] as const;

const UNKNOWN_KEY_MESSAGE = 'is not part of a birth trigger spec; remove it';

/**
 * Generates the DDL of one birth trigger: an `after insert … for each row` trigger on the source
 * table whose function calls `birth_lane.mint_birth(...)` with the mapped `NEW` columns (cast to
 * the parameter's type) and literals. The function is SECURITY DEFINER, so a birth follows every
 * source insert whatever role writes the source table; whoever runs the DDL owns it and must be
 * able to execute birth_lane.mint_birth. A source row with invalid identity makes mint_birth raise
 * BL001, which fails that source insert (fail closed: no silent un-born entity).
 */
export function birthTriggerSql(spec: BirthTriggerSpec): BirthTriggerSql {
  const result = checkSpec(spec, []);
  if (!result.parsed) throw new ValidationError('birth trigger spec', result.issues);
  return render(result.parsed, result.names);
}

/**
 * The DDL for many birth triggers (the field has about 192). Every spec is validated first and
 * all problems are reported together (`specs.3.mapping.entity_code`); two specs for the same
 * source table, or two that would create the same trigger function, are refused naming both.
 */
export function birthTriggerFabricSql(specs: readonly BirthTriggerSpec[]): BirthTriggerFabricSql {
  if (!Array.isArray(specs)) {
    throw new ValidationError('birth trigger specs', [
      { field: 'specs', rule: 'type', message: 'must be an array of birth trigger specs' },
    ]);
  }
  const issues: ValidationIssue[] = [];
  const triggers: BirthTriggerSql[] = [];
  const tableOwner = new Map<string, number>();
  const functionOwner = new Map<string, number>();
  specs.forEach((spec, index) => {
    const result = checkSpec(spec, ['specs', String(index)]);
    issues.push(...result.issues);
    if (!result.parsed) return;
    const { schema, name } = result.parsed.sourceTable;
    const tableKey = JSON.stringify([schema, name]);
    const functionKey = JSON.stringify([schema, result.names.functionName]);
    const firstTable = tableOwner.get(tableKey);
    const firstFunction = functionOwner.get(functionKey);
    if (firstTable !== undefined) {
      issues.push({
        field: `specs.${index}.sourceTable`,
        rule: 'unique',
        message: `${schema}.${name} is already given by specs.${firstTable}; one birth trigger per source table`,
      });
    } else if (firstFunction !== undefined) {
      issues.push({
        field: `specs.${index}.triggerName`,
        rule: 'unique',
        message: `would create function ${schema}.${result.names.functionName}, as specs.${firstFunction} does; choose another triggerName`,
      });
    }
    tableOwner.set(tableKey, firstTable ?? index);
    functionOwner.set(functionKey, firstFunction ?? index);
    triggers.push(render(result.parsed, result.names));
  });
  if (issues.length > 0) throw new ValidationError('birth trigger specs', issues);
  return {
    triggers,
    createSql: triggers.map((trigger) => trigger.createSql).join('\n\n'),
    dropSql: [...triggers]
      .reverse()
      .map((trigger) => trigger.dropSql)
      .join('\n'),
  };
}

interface Names {
  readonly triggerName: string;
  readonly functionName: string;
}

function checkSpec(
  spec: unknown,
  prefix: readonly string[],
): { parsed: ParsedSpec; names: Names; issues: [] } | { parsed?: undefined; issues: ValidationIssue[] } {
  const result = birthTriggerSpecSchema.safeParse(spec, { reportInput: true });
  if (!result.success) return { issues: issuesOf(result.error, prefix, UNKNOWN_KEY_MESSAGE) };
  const triggerName = result.data.triggerName ?? `trg_birth_${result.data.sourceTable.name}`;
  const functionName = triggerName.startsWith('trg_') ? `fn_${triggerName.slice(4)}` : `fn_${triggerName}`;
  const tooLong = [triggerName, functionName].find((name) => byteLength(name) > MAX_IDENTIFIER_BYTES);
  if (tooLong !== undefined) {
    return {
      issues: [
        {
          field: [...prefix, 'triggerName'].join('.'),
          rule: 'identifier',
          message: `derived name ${tooLong} is longer than ${MAX_IDENTIFIER_BYTES} bytes; pass a shorter triggerName`,
        },
      ],
    };
  }
  return { parsed: result.data, names: { triggerName, functionName }, issues: [] };
}

function render(spec: ParsedSpec, names: Names): BirthTriggerSql {
  const table = `${quoteIdentifier(spec.sourceTable.schema)}.${quoteIdentifier(spec.sourceTable.name)}`;
  const fn = `${quoteIdentifier(spec.sourceTable.schema)}.${quoteIdentifier(names.functionName)}`;
  const trigger = quoteIdentifier(names.triggerName);
  const mapping = spec.mapping as Record<string, string | { literal: string } | undefined>;

  const args = PARAMETERS.flatMap(([parameter, type]) => {
    const source = mapping[parameter];
    if (source === undefined) return []; // mint_birth's default applies
    const value =
      typeof source === 'string'
        ? `new.${quoteIdentifier(source)}`
        : quoteLiteral(source.literal, `mapping.${parameter}.literal`);
    return [`p_${parameter} => ${value}::${type}`];
  });
  const body = `
begin
  perform birth_lane.mint_birth(
    ${args.join(',\n    ')}
  );
  return null;
end;
`;
  const tag = dollarTagFor(body);
  const createSql = `-- Birth trigger: every row inserted into ${table} mints its identity root in ${REGISTRY_TABLE}.
create or replace function ${fn}()
returns trigger
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as ${tag}${body}${tag};
revoke all on function ${fn}() from public;
drop trigger if exists ${trigger} on ${table};
create trigger ${trigger}
  after insert on ${table}
  for each row execute function ${fn}();`;
  const dropSql = `drop trigger if exists ${trigger} on ${table};\ndrop function if exists ${fn}();`;
  return { sourceTable: { ...spec.sourceTable }, ...names, createSql, dropSql };
}

/** A dollar-quote tag the body does not contain (a literal or quoted identifier might hold `$birth$`). */
function dollarTagFor(body: string): string {
  for (let n = 0; ; n++) {
    const tag = n === 0 ? '$birth$' : `$birth${n}$`;
    if (!body.includes(tag)) return tag;
  }
}
