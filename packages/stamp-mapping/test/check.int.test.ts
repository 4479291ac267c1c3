import { readFile } from 'node:fs/promises';
import { useTestDatabase } from '@birth-lane/test-kit';
import { describe, expect, it } from 'vitest';
import { checkStampMapping } from '../src/check-mapping.js';
import { SETUP_SQL } from './support.js';

const t = useTestDatabase({ setupSql: SETUP_SQL });
const example = async () =>
  JSON.parse(await readFile(new URL('../examples/registry-mapping.json', import.meta.url), 'utf8'));

describe('checkStampMapping against the live catalog', () => {
  it('a mapping onto existing columns passes, with the hash an approval names', async () => {
    const check = await checkStampMapping(t.db.pool, await example());
    expect(check.problems).toEqual([]);
    expect(check.ok).toBe(true);
    expect(check.mappingHash).toMatch(/^[0-9a-f]{64}$/);
    // The same mapping laid out differently is the same mapping.
    const relaid = await example();
    relaid.mappings = relaid.mappings.map((entry: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(entry).reverse()),
    );
    expect((await checkStampMapping(t.db.pool, relaid)).mappingHash).toBe(check.mappingHash);
  });

  it('a mapping to a missing column is refused as a parallel source of truth, naming the entry and the rule', async () => {
    const check = await checkStampMapping(t.db.pool, {
      version: '1.0.0',
      mappings: [
        { stamp: 'BIRTH', column: 'certified_at' },
        { stamp: 'PROMOTE', column: 'promote_stamp' },
      ],
    });
    expect(check.ok).toBe(false);
    expect(check.problems).toEqual([
      {
        field: 'mappings.1.column',
        rule: 'existing_column',
        message: expect.stringMatching(
          /no column promote_stamp\. Stamp mapping never adds a column: .*parallel source of truth/,
        ),
      },
    ]);
  });

  it('refuses incompatible types, reserved columns and a BIRTH that is not the certification', async () => {
    const check = await checkStampMapping(t.db.pool, {
      version: '1.0.0',
      mappings: [
        { stamp: 'BIRTH', column: 'owner' },
        { stamp: 'PROMOTE', column: 'status' },
        { stamp: 'OWNER', column: 'certified' },
        { stamp: 'GOV', column: 'canonical_address', key: 'governance' },
      ],
    });
    expect(check.problems.map((each) => `${each.field}:${each.rule}`)).toEqual([
      'mappings.0.column:birth_is_certification',
      'mappings.1.column:reserved_column',
      'mappings.2.column:compatible_type',
      'mappings.3.column:compatible_type',
    ]);
  });

  it('the catalog, not a fixed list, decides: a column the registry gains is a valid target', async () => {
    const mapping = { version: '1.0.0', mappings: [{ stamp: 'OWNER', column: 'steward' }] };
    expect((await checkStampMapping(t.db.pool, mapping)).problems[0]?.rule).toBe('existing_column');
    await t.db.pool.query('alter table public.birth_registry add column steward text');
    try {
      expect((await checkStampMapping(t.db.pool, mapping)).ok).toBe(true);
    } finally {
      await t.db.pool.query('alter table public.birth_registry drop column steward');
    }
  });

  it('a malformed document is refused before the catalog is asked, naming the entry and the rule', async () => {
    await expect(
      checkStampMapping(t.db.pool, {
        version: '1',
        mappings: [
          { stamp: 'GOV', column: 'jsonb_profile' },
          { stamp: 'GOV', column: 'Owner' },
        ],
      }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      issues: expect.arrayContaining([
        expect.objectContaining({ field: 'version' }),
        expect.objectContaining({ field: 'mappings.0.key', rule: 'required' }),
        expect.objectContaining({ field: 'mappings.1.column' }),
        expect.objectContaining({ field: 'mappings.1.stamp', rule: 'unique' }),
      ]),
    });
  });
});
