import { useTestDatabase } from '@birth-lane/test-kit';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareSnapshots, takeSnapshot } from '../src/index.js';
import { SETUP_SQL } from './support.js';

const ROWS = 1_000_000;
const test = useTestDatabase({ setupSql: SETUP_SQL, name: 'prover_million' });

describe('a single changed cell in a million-row registry', () => {
  beforeAll(async () => {
    // Built here with generate_series (a few seconds), with the columns a field registry fills.
    await test.db.pool.query(
      `insert into public.birth_registry (id, entity_code, collection_name, dot_origin, born_at, name, description, status,
                                          inspect_pen, certified, certified_at)
       select i, 'ENT-' || lpad(i::text, 8, '0'), 'fauna', 'dot://source/' || (i % 192),
              timestamptz '2026-01-01' + i * interval '1 second', 'Entity ' || i, 'A registered entity.', 'active',
              case when i % 864 = 7 then timestamptz '2026-03-01' end, i % 864 = 7,
              case when i % 864 = 7 then timestamptz '2026-03-01' end
         from generate_series(1, ${ROWS}) as i`,
    );
    await test.db.pool.query('vacuum analyze public.birth_registry');
  }, 120_000);

  it('is found and its id listed', async () => {
    const before = await takeSnapshot(test.db.pool);
    expect(before.rowCount).toBe(ROWS);
    await test.db.pool.query("update public.birth_registry set status = 'retired' where id = 654321");
    const after = await takeSnapshot(test.db.pool, { since: before });
    const report = compareSnapshots(before, after, {
      rehearsalId: 'million',
      stagingEvidence: { certifyTriggersOnSurface: 0, residue: [] },
    });
    expect(report.verdict).toBe('FAIL');
    const broken = report.claims.filter((claim) => claim.holds === false).map((claim) => claim.id);
    expect(broken).toEqual(['NT-3', 'NT-7']);
    expect(report.claims.find((claim) => claim.id === 'NT-3')).toMatchObject({
      failCondition: 'F-OPEN-3',
      changes: { ids: ['654321'], moreIds: 0, ranges: [] },
    });
  }, 60_000);
});
