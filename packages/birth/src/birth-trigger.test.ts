import { ValidationError } from '@birth-lane/contract';
import { describe, expect, it } from 'vitest';
import { type BirthTriggerSpec, birthTriggerFabricSql, birthTriggerSql } from './birth-trigger.js';

const spec: BirthTriggerSpec = {
  sourceTable: { schema: 'public', name: 'sample_species' },
  mapping: { entity_code: 'code', collection_name: { literal: 'species' }, dot_origin: 'origin' },
};

function validationError(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    if (ValidationError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

const fieldsOf = (error: ValidationError) => error.issues.map((issue) => [issue.field, issue.rule]);

describe('birthTriggerSql', () => {
  it('creates a row trigger whose function calls mint_birth with NEW columns and literals', () => {
    const out = birthTriggerSql(spec);
    expect(out.triggerName).toBe('trg_birth_sample_species');
    expect(out.functionName).toBe('fn_birth_sample_species');
    expect(out.createSql).toContain('create or replace function "public"."fn_birth_sample_species"()');
    expect(out.createSql).toContain('security definer');
    expect(out.createSql).toContain('p_entity_code => new."code"::text');
    expect(out.createSql).toContain("p_collection_name => 'species'::text");
    expect(out.createSql).toContain('p_dot_origin => new."origin"::text');
    expect(out.createSql).not.toContain('p_born_at'); // omitted: mint_birth defaults to now()
    expect(out.createSql).toMatch(
      /create trigger "trg_birth_sample_species"\s+after insert on "public"."sample_species"\s+for each row execute function "public"."fn_birth_sample_species"\(\);/,
    );
    expect(out.dropSql).toBe(
      'drop trigger if exists "trg_birth_sample_species" on "public"."sample_species";\ndrop function if exists "public"."fn_birth_sample_species"();',
    );
  });

  it('passes every mapped parameter with its type, in mint_birth order', () => {
    const out = birthTriggerSql({
      ...spec,
      triggerName: 'trg_species_born',
      mapping: {
        ...spec.mapping,
        governance_role: { literal: 'observed' },
        species_code: 'sp',
        born_at: 'created_at',
        name: 'label',
        description: { literal: 'from the field' },
        status: 'state',
      },
    });
    expect(out.functionName).toBe('fn_species_born');
    const args = [...out.createSql.matchAll(/p_(\w+) => (.+?)::(\w+)/g)].map((match) => [match[1], match[3]]);
    expect(args).toEqual([
      ['entity_code', 'text'],
      ['collection_name', 'text'],
      ['dot_origin', 'text'],
      ['governance_role', 'text'],
      ['species_code', 'text'],
      ['born_at', 'timestamptz'],
      ['name', 'text'],
      ['description', 'text'],
      ['status', 'text'],
    ]);
  });

  it('quotes an identifier holding a double quote and a literal holding a single quote', () => {
    const out = birthTriggerSql({
      sourceTable: { schema: 'odd"schema', name: 'tab"le' },
      mapping: {
        entity_code: 'co"de',
        collection_name: { literal: "it's" },
        dot_origin: { literal: 'a\\b' },
      },
    });
    expect(out.createSql).toContain('new."co""de"::text');
    expect(out.createSql).toContain(`p_collection_name => 'it''s'::text`);
    expect(out.createSql).toContain(`p_dot_origin => E'a\\\\b'::text`);
    expect(out.createSql).toContain('after insert on "odd""schema"."tab""le"');
    expect(out.createSql).toContain('"odd""schema"."fn_birth_tab""le"()');
  });

  it('picks a dollar-quote tag that no literal or identifier in the body contains', () => {
    const out = birthTriggerSql({
      ...spec,
      mapping: { ...spec.mapping, collection_name: { literal: '$birth$ x' } },
    });
    expect(out.createSql).toContain('as $birth1$');
    expect(out.createSql.match(/\$birth1\$/g)).toHaveLength(2);
  });

  it.each([
    [
      'entity_code missing',
      { ...spec, mapping: { collection_name: 'c', dot_origin: 'o' } },
      'mapping.entity_code',
      'required',
    ],
    [
      'collection_name missing',
      { ...spec, mapping: { entity_code: 'c', dot_origin: 'o' } },
      'mapping.collection_name',
      'required',
    ],
    [
      'dot_origin missing',
      { ...spec, mapping: { entity_code: 'c', collection_name: 'o' } },
      'mapping.dot_origin',
      'required',
    ],
    [
      'entity_code as a literal',
      { ...spec, mapping: { ...spec.mapping, entity_code: { literal: 'SPC-001' } } },
      'mapping.entity_code',
      'type',
    ],
    [
      'a blank collection literal',
      { ...spec, mapping: { ...spec.mapping, collection_name: { literal: '  ' } } },
      'mapping.collection_name.literal',
      'min',
    ],
    [
      'an unknown governance literal',
      { ...spec, mapping: { ...spec.mapping, governance_role: { literal: 'rogue' } } },
      'mapping.governance_role',
      'one_of',
    ],
    [
      'an empty column name',
      { ...spec, mapping: { ...spec.mapping, dot_origin: '' } },
      'mapping.dot_origin',
      'min',
    ],
    [
      'a 64-byte column name',
      { ...spec, mapping: { ...spec.mapping, entity_code: 'é'.repeat(32) } },
      'mapping.entity_code',
      'identifier',
    ],
    [
      'a NUL in a column name',
      { ...spec, mapping: { ...spec.mapping, entity_code: 'a\u0000' } },
      'mapping.entity_code',
      'identifier',
    ],
    ['a missing table name', { ...spec, sourceTable: { schema: 'public' } }, 'sourceTable.name', 'required'],
    [
      'a stamp in the mapping',
      { ...spec, mapping: { ...spec.mapping, inspect_pen: 'x' } },
      'mapping.inspect_pen',
      'unknown_key',
    ],
    [
      'certified in the mapping',
      { ...spec, mapping: { ...spec.mapping, certified: 'x' } },
      'mapping.certified',
      'unknown_key',
    ],
    [
      'a derived name over 63 bytes',
      { ...spec, sourceTable: { schema: 'public', name: 'x'.repeat(60) } },
      'triggerName',
      'identifier',
    ],
  ])('refuses %s, naming the field', (_label, bad, field, rule) => {
    const error = validationError(() => birthTriggerSql(bad as BirthTriggerSpec));
    expect(fieldsOf(error)).toContainEqual([field, rule]);
    expect(error.message).toContain(field);
  });
  it('says what is wrong with a literal object rather than only that it is not a column', () => {
    const error = validationError(() =>
      birthTriggerSql({
        ...spec,
        mapping: { ...spec.mapping, governance_role: { literal: 'rogue' as 'governed' } },
      }),
    );
    expect(error.issues[0]?.message).toMatch(/literal must be one of governed, observed/);
  });
});

describe('birthTriggerFabricSql', () => {
  const other: BirthTriggerSpec = { ...spec, sourceTable: { schema: 'public', name: 'sample_genus' } };

  it('creates every trigger and drops them in reverse order', () => {
    const fabric = birthTriggerFabricSql([spec, other]);
    expect(fabric.triggers.map((trigger) => trigger.triggerName)).toEqual([
      'trg_birth_sample_species',
      'trg_birth_sample_genus',
    ]);
    expect(fabric.createSql.indexOf('sample_species')).toBeLessThan(fabric.createSql.indexOf('sample_genus'));
    expect(fabric.dropSql.indexOf('sample_genus')).toBeLessThan(fabric.dropSql.indexOf('sample_species'));
  });

  it('reports every bad spec by index together', () => {
    const error = validationError(() =>
      birthTriggerFabricSql([
        spec,
        { ...other, mapping: { ...spec.mapping, entity_code: '' } },
        { sourceTable: other.sourceTable } as BirthTriggerSpec,
      ]),
    );
    expect(fieldsOf(error)).toEqual([
      ['specs.1.mapping.entity_code', 'min'],
      ['specs.2.mapping', 'required'],
    ]);
  });

  it('refuses two specs for one source table, naming both', () => {
    const error = validationError(() =>
      birthTriggerFabricSql([spec, other, { ...spec, triggerName: 'trg_again' }]),
    );
    expect(error.issues).toEqual([
      expect.objectContaining({
        field: 'specs.2.sourceTable',
        rule: 'unique',
        message: expect.stringContaining('specs.0'),
      }),
    ]);
  });

  it('refuses two specs that would create the same trigger function, naming both', () => {
    const error = validationError(() =>
      birthTriggerFabricSql([
        { ...spec, triggerName: 'trg_x' },
        { ...other, triggerName: 'trg_x' },
      ]),
    );
    expect(error.issues).toEqual([
      expect.objectContaining({
        field: 'specs.1.triggerName',
        rule: 'unique',
        message: expect.stringContaining('specs.0'),
      }),
    ]);
  });
});
