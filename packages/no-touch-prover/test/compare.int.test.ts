import {
  type NoTouchClaimId,
  type ProductionSnapshot,
  type ProofReport,
  parseOrThrow,
  proofReportSchema,
  ValidationError,
} from '@birth-lane/contract';
import { useTestDatabase } from '@birth-lane/test-kit';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareSnapshots, renderProofMarkdown, takeSnapshot } from '../src/index.js';
import { SETUP_SQL, seedAndSettle, seedRows } from './support.js';

const ROWS = 2000;
const BUCKET = 64;
const QUIET = { certifyTriggersOnSurface: 0, residue: [] };
const test = useTestDatabase({ setupSql: SETUP_SQL, name: 'prover_compare' });

/** An "after" snapshot since the current `base`. */
const snap = () => takeSnapshot(test.db.pool, { bucketSize: BUCKET, since: base });
/** A fresh "before" (a new salt), made the `base` later snapshots are taken since. */
const freshBase = async () => {
  base = await takeSnapshot(test.db.pool, { bucketSize: BUCKET });
  return base;
};
const holding = (report: ProofReport) =>
  Object.fromEntries(report.claims.map((claim) => [claim.id, claim.holds])) as Record<
    NoTouchClaimId,
    boolean | null
  >;
const claimOf = (report: ProofReport, id: NoTouchClaimId) => report.claims.find((claim) => claim.id === id)!;

/**
 * Takes a fresh `base`, runs `change` (which must change something), snapshots since the base,
 * and puts the row back as it was (a write: later snapshots need a fresh base again).
 */
async function afterChange(id: number, change: () => Promise<unknown>): Promise<ProductionSnapshot> {
  await freshBase();
  const { rows } = await test.db.pool.query<{ row: unknown }>(
    'select to_jsonb(r) as row from public.birth_registry r where id = $1::bigint',
    [id],
  );
  await change();
  try {
    return await snap();
  } finally {
    await test.db.pool.query(
      `update public.birth_registry r set (entity_code, collection_name, species_code, dot_origin, governance_role,
          born_at, name, description, status, inspect_pen, inspect_stamp, inspect_gate, certified, certified_at,
          canonical_address, owner, jsonb_profile)
        = (o.entity_code, o.collection_name, o.species_code, o.dot_origin, o.governance_role, o.born_at, o.name,
           o.description, o.status, o.inspect_pen, o.inspect_stamp, o.inspect_gate, o.certified, o.certified_at,
           o.canonical_address, o.owner, o.jsonb_profile)
       from jsonb_populate_record(null::public.birth_registry, $1::jsonb) o where r.id = $2::bigint`,
      [rows[0]!.row, id],
    );
  }
}

type Column = { name: string; claim: NoTouchClaimId; value: fc.Arbitrary<unknown>; cast: string };
const moment = fc
  .date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2090-01-01T00:00:00Z'), noInvalidDate: true })
  .map((date) => date.toISOString());
const text = fc.string({ maxLength: 12 });
/** Every watched column, the claim a change to it must break, and values to change it to. */
const COLUMNS: Column[] = [
  { name: 'inspect_pen', claim: 'NT-1', value: fc.option(moment), cast: 'timestamptz' },
  { name: 'inspect_stamp', claim: 'NT-1', value: fc.option(moment), cast: 'timestamptz' },
  { name: 'inspect_gate', claim: 'NT-1', value: fc.option(moment), cast: 'timestamptz' },
  { name: 'certified', claim: 'NT-2', value: fc.boolean(), cast: 'boolean' },
  { name: 'certified_at', claim: 'NT-2', value: fc.option(moment), cast: 'timestamptz' },
  { name: 'canonical_address', claim: 'NT-3', value: fc.option(text), cast: 'text' },
  { name: 'owner', claim: 'NT-3', value: fc.option(text), cast: 'text' },
  { name: 'status', claim: 'NT-3', value: fc.option(text), cast: 'text' },
  {
    name: 'jsonb_profile',
    claim: 'NT-3',
    value: fc.option(fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify(value))),
    cast: 'jsonb',
  },
  { name: 'entity_code', claim: 'NT-4', value: fc.uuid().map((uuid) => `ENT-${uuid}`), cast: 'text' },
  { name: 'collection_name', claim: 'NT-4', value: fc.option(text), cast: 'text' },
  { name: 'species_code', claim: 'NT-4', value: fc.option(text), cast: 'text' },
  { name: 'dot_origin', claim: 'NT-4', value: fc.option(text), cast: 'text' },
  { name: 'governance_role', claim: 'NT-4', value: fc.constantFrom('governed', 'observed'), cast: 'text' },
  { name: 'born_at', claim: 'NT-4', value: fc.option(moment), cast: 'timestamptz' },
  { name: 'name', claim: 'NT-4', value: fc.option(text), cast: 'text' },
  { name: 'description', claim: 'NT-4', value: fc.option(text), cast: 'text' },
];

let base: ProductionSnapshot;

describe('compareSnapshots', () => {
  beforeAll(async () => {
    await seedAndSettle(test.db, 1, ROWS);
    await test.db.pool.query('vacuum analyze public.birth_registry');
    await freshBase();
  });

  it('PASSes a quiet window with numbers on every claim', async () => {
    const report = compareSnapshots(base, await snap(), { rehearsalId: 'quiet', stagingEvidence: QUIET });
    expect(report.verdict).toBe('PASS');
    expect(report.claims.map((claim) => claim.id)).toEqual([
      'NT-1',
      'NT-2',
      'NT-3',
      'NT-4',
      'NT-5',
      'NT-6',
      'NT-7',
      'NT-8',
    ]);
    for (const claim of report.claims) {
      expect(claim.holds).toBe(true);
      expect(Object.values(claim.before).length, claim.id).toBeGreaterThan(0);
      expect(Object.values(claim.after).length, claim.id).toBeGreaterThan(0);
    }
    expect(claimOf(report, 'NT-4').before).toEqual({
      rows: ROWS,
      max_id: String(ROWS),
      'identity.checksum': base.identityChecksum,
    });
    expect(renderProofMarkdown(report)).toContain('# No-production-touch proof: PASS');
  });

  it('breaks the right claim and names the row for a change to any single cell of a watched column', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: ROWS }),
        fc.constantFrom(...COLUMNS).chain((column) => fc.tuple(fc.constant(column), column.value)),
        async (id, [column, value]) => {
          let changed = false;
          const after = await afterChange(id, async () => {
            const { rowCount } = await test.db.pool.query(
              `update public.birth_registry set ${column.name} = $1::${column.cast}
                where id = $2::bigint and ${column.name} is distinct from $1::${column.cast}`,
              [value, id],
            );
            changed = rowCount === 1;
          });
          const report = compareSnapshots(base, after, { rehearsalId: 'cell', stagingEvidence: QUIET });
          if (!changed) {
            // The value was already there: nothing changed. (The write counters may have moved
            // with earlier runs' updates, which makes it INCONCLUSIVE, never FAIL.)
            expect(report.claims.filter((claim) => claim.holds === false)).toEqual([]);
            expect(holding(report)).toMatchObject({ 'NT-1': true, 'NT-2': true, 'NT-3': true, 'NT-4': true });
            return;
          }
          expect(report.verdict).toBe('FAIL');
          const broken = report.claims.filter((claim) => claim.holds === false).map((claim) => claim.id);
          // The one claim the column belongs to, and NT-7 (production not identical after the drop).
          expect(broken).toEqual(
            [column.claim, 'NT-6', 'NT-7'].filter((claim) => claim !== 'NT-6' || column.claim === 'NT-2'),
          );
          expect(claimOf(report, column.claim).changes).toEqual({
            ids: [String(id)],
            moreIds: 0,
            ranges: [],
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('ignores the key order of a jsonb profile in the checksum (jsonb stores keys sorted) but not a value in it', async () => {
    const id = 5; // has a profile: {"rank": 2, "tags": ["a", 5]}
    const reordered = await afterChange(id, () =>
      test.db.pool.query(
        `update public.birth_registry set jsonb_profile = '{"tags": ["a", 5], "rank": 2}' where id = 5`,
      ),
    );
    const same = compareSnapshots(base, reordered, { rehearsalId: 'j', stagingEvidence: QUIET });
    // The same stored value (jsonb sorts keys on input): the checksums agree; the write itself is
    // a fact, which the written-since figure reports on NT-7.
    expect(same.claims.filter((claim) => claim.holds === false).map((claim) => claim.id)).toEqual(['NT-7']);
    expect(claimOf(same, 'NT-3').holds).toBe(true);
    expect(claimOf(same, 'NT-7').changes?.ids).toEqual(['5']);
    const edited = await afterChange(id, () =>
      test.db.pool.query(
        `update public.birth_registry set jsonb_profile = '{"tags": ["a", 6], "rank": 2}' where id = ${id}`,
      ),
    );
    const report = compareSnapshots(base, edited, { rehearsalId: 'j', stagingEvidence: QUIET });
    expect(claimOf(report, 'NT-3')).toMatchObject({
      holds: false,
      failCondition: 'F-OPEN-3',
      changes: { ids: ['5'] },
    });
  });

  it('fails NT-4 (F-OPEN-8) for an inserted row and lists its id', async () => {
    await seedRows(test.db.pool, ROWS + 1, ROWS + 1);
    try {
      const report = compareSnapshots(base, await snap(), { rehearsalId: 'mint', stagingEvidence: QUIET });
      expect(report.verdict).toBe('FAIL');
      expect(claimOf(report, 'NT-4')).toMatchObject({
        holds: false,
        failCondition: 'F-OPEN-8',
        before: { rows: ROWS, max_id: String(ROWS) },
        after: { rows: ROWS + 1, max_id: String(ROWS + 1) },
        changes: { ids: [String(ROWS + 1)] },
      });
    } finally {
      await test.db.pool.query('delete from public.birth_registry where id = $1::bigint', [ROWS + 1]);
    }
  });

  it('fails NT-2 (F-OPEN-2) and NT-6 for a certified flip', async () => {
    const after = await afterChange(100, () =>
      test.db.pool.query(
        'update public.birth_registry set certified = true, certified_at = now() where id = 100',
      ),
    );
    const report = compareSnapshots(base, after, { rehearsalId: 'flip', stagingEvidence: QUIET });
    expect(claimOf(report, 'NT-2')).toMatchObject({
      holds: false,
      failCondition: 'F-OPEN-2',
      before: { 'certified.count': base.certifiedCount },
      after: { 'certified.count': base.certifiedCount + 1 },
      changes: { ids: ['100'] },
    });
    expect(claimOf(report, 'NT-6')).toMatchObject({ holds: false, failCondition: 'F-OPEN-8' });
  });

  it('lists several changed rows of one bucket as an id range', async () => {
    const after = await afterChange(130, async () => {
      await test.db.pool.query("update public.birth_registry set owner = 'x' where id in (130, 131)");
    });
    await test.db.pool.query('update public.birth_registry set owner = null where id = 131');
    const report = compareSnapshots(base, after, { rehearsalId: 'two', stagingEvidence: QUIET });
    // Buckets of 64 ids: 130 and 131 are in bucket 2 (128…191).
    expect(claimOf(report, 'NT-3').changes).toEqual({
      ids: [],
      moreIds: 0,
      ranges: [{ from: '128', to: '191' }],
    });
    // A range is the rehearsal's only when every id in it is; else it cannot be pinned on it.
    const whole = compareSnapshots(base, after, {
      rehearsalId: 'two',
      stagingEvidence: QUIET,
      attributableIds: (id) => id >= 128n && id <= 191n,
    });
    expect(claimOf(whole, 'NT-3')).toMatchObject({ holds: false, failCondition: 'F-OPEN-3' });
    const part = compareSnapshots(base, after, {
      rehearsalId: 'two',
      stagingEvidence: QUIET,
      attributableIds: (id) => id === 130n || id === 131n,
    });
    expect(claimOf(part, 'NT-3').holds).toBeNull();
  });

  it('is INCONCLUSIVE for a change outside the attributable ids and FAIL inside them', async () => {
    const after = await afterChange(700, () =>
      test.db.pool.query('update public.birth_registry set inspect_pen = now() where id = 700'),
    );
    const sampled = new Set([1n, 2n, 3n]);
    const outside = compareSnapshots(base, after, {
      rehearsalId: 'live',
      stagingEvidence: QUIET,
      attributableIds: (id) => sampled.has(id),
    });
    expect(outside.verdict).toBe('INCONCLUSIVE');
    expect(claimOf(outside, 'NT-1')).toMatchObject({ holds: null, changes: { ids: ['700'] } });
    expect(claimOf(outside, 'NT-1').failCondition).toBeUndefined();

    const inside = compareSnapshots(base, after, {
      rehearsalId: 'ours',
      stagingEvidence: QUIET,
      attributableIds: (id) => id === 700n,
    });
    expect(inside.verdict).toBe('FAIL');
    expect(claimOf(inside, 'NT-1')).toMatchObject({ holds: false, failCondition: 'F-OPEN-1' });
    expect(renderProofMarkdown(inside)).toMatch(
      /NT-1 Production inspect_\* unchanged: \*\*BROKEN\*\*[\s\S]*Changed ids: 700/,
    );
  });

  it('is INCONCLUSIVE for a KG count that moved when an attribution is given, FAIL without one', async () => {
    await test.db.pool.query('create table public.provenance (id int)');
    try {
      const before = await freshBase();
      await test.db.pool.query('insert into public.provenance values (1)');
      const after = await snap();
      const attributed = compareSnapshots(before, after, {
        rehearsalId: 'kg',
        stagingEvidence: QUIET,
        attributableIds: () => true,
      });
      expect(claimOf(attributed, 'NT-5')).toMatchObject({
        holds: null,
        before: { 'public.provenance.rows': 0 },
        after: { 'public.provenance.rows': 1 },
      });
      expect(attributed.verdict).toBe('INCONCLUSIVE');
      const plain = compareSnapshots(before, after, { rehearsalId: 'kg', stagingEvidence: QUIET });
      expect(claimOf(plain, 'NT-5')).toMatchObject({ holds: false, failCondition: 'F-OPEN-8' });
    } finally {
      await test.db.pool.query('drop table public.provenance');
    }
  });

  it('catches a write that left every value as it was by the written-since figure: FAIL, or INCONCLUSIVE outside the attributable ids', async () => {
    await freshBase();
    await test.db.pool.query('update public.birth_registry set owner = owner where id = 42');
    const after = await snap();
    expect(after.since).toMatchObject({ snapshotId: base.snapshotId, writtenRows: 1, writtenIds: ['42'] });
    const plain = compareSnapshots(base, after, { rehearsalId: 'same-value', stagingEvidence: QUIET });
    // Every checksum agrees (the values are the same); the write is a fact all the same.
    expect(holding(plain)).toMatchObject({
      'NT-1': true,
      'NT-2': true,
      'NT-3': true,
      'NT-4': true,
      'NT-7': false,
    });
    expect(claimOf(plain, 'NT-7')).toMatchObject({
      failCondition: 'F-OPEN-8',
      after: { 'registry.written_since': 1 },
      changes: { ids: ['42'] },
    });
    expect(plain.verdict).toBe('FAIL');
    const outside = compareSnapshots(base, after, {
      rehearsalId: 'same-value',
      stagingEvidence: QUIET,
      attributableIds: (id) => id === 1n,
    });
    expect(claimOf(outside, 'NT-7').holds).toBeNull();
    expect(outside.verdict).toBe('INCONCLUSIVE');
    const inside = compareSnapshots(base, after, {
      rehearsalId: 'same-value',
      stagingEvidence: QUIET,
      attributableIds: (id) => id === 42n,
    });
    expect(inside.verdict).toBe('FAIL');
  });

  it('catches a jsonb number whose scale changed ({"a": 1.0} → {"a": 1.00}) written by a session whose statistics flush late', async () => {
    await test.db.pool.query('create table if not exists public.scratch (x int)');
    await test.db.pool.query(`update public.birth_registry set jsonb_profile = '{"a": 1.0}' where id = 77`);
    await freshBase();
    const writer = await test.db.connect();
    try {
      // The insert makes the session flush its statistics; the update right after is held back
      // (at most one flush a second), and the session stays open: the counters do not see it yet.
      await writer.query('insert into public.scratch values (1)');
      await writer.query(`update public.birth_registry set jsonb_profile = '{"a": 1.00}' where id = 77`);
      const after = await snap();
      const report = compareSnapshots(base, after, {
        rehearsalId: 'scale',
        stagingEvidence: QUIET,
        attributableIds: (id) => id === 77n,
      });
      expect(claimOf(report, 'NT-3')).toMatchObject({
        holds: false,
        failCondition: 'F-OPEN-3',
        changes: { ids: ['77'] },
      });
      expect(claimOf(report, 'NT-7')).toMatchObject({ holds: false, after: { 'registry.written_since': 1 } });
      expect(report.verdict).toBe('FAIL');
    } finally {
      await writer.end();
      await test.db.pool.query('drop table public.scratch');
    }
  });

  it('breaks NT-3 for a value moved between rows (row 12 owner → row 13 canonical_address)', async () => {
    await writeAsLeakPool(
      "update public.birth_registry set owner = 'X', canonical_address = null where id = 12; update public.birth_registry set owner = null, canonical_address = null where id = 13",
    );
    await freshBase();
    await writeAsLeakPool(
      "update public.birth_registry set owner = null where id = 12; update public.birth_registry set canonical_address = 'X' where id = 13",
    );
    const moved = compareSnapshots(base, await snap(), { rehearsalId: 'moved', stagingEvidence: QUIET });
    expect(claimOf(moved, 'NT-3')).toMatchObject({ holds: false, failCondition: 'F-OPEN-3' });
  });

  it('counts a bucket whose position sum alone moved as a change of every group, never dropping it', async () => {
    const before = await freshBase();
    const after = await snap();
    const entries = after.buckets.entries.map((entry, index) =>
      index === 3
        ? entry.map((value, figure) => (figure === 13 ? String(BigInt(value) + 1n) : value))
        : entry,
    );
    const report = compareSnapshots(
      before,
      { ...after, buckets: { ...after.buckets, entries } },
      { rehearsalId: 'position', stagingEvidence: QUIET },
    );
    expect(holding(report)).toMatchObject({ 'NT-1': false, 'NT-2': false, 'NT-3': false, 'NT-4': false });
    expect(claimOf(report, 'NT-3').changes?.ranges).toEqual([
      { from: String(3 * BUCKET), to: String(4 * BUCKET - 1) },
    ]);
  });

  it('sees a write made in a subtransaction of a transaction open across the before snapshot', async () => {
    const writer = await test.db.connect();
    try {
      await writer.query('begin');
      await writer.query('select pg_current_xact_id()'); // the top-level transaction holds an xid
      await writer.query('savepoint s');
      await writer.query("update public.birth_registry set status = 'sub' where id = 88");
      await writer.query('release savepoint s');
      await freshBase(); // the writer is still running: its subtransaction's row is not seen
      await writer.query('commit');
      const after = await snap();
      expect(after.since).toMatchObject({ writtenRows: 1, writtenIds: ['88'] });
      const report = compareSnapshots(base, after, { rehearsalId: 'sub', stagingEvidence: QUIET });
      expect(claimOf(report, 'NT-3')).toMatchObject({ holds: false, changes: { ids: ['88'] } });
    } finally {
      await writer.end();
    }
  });

  it('uses the salt: two before snapshots of the same rows differ, and snapshots with different salts do not compare', async () => {
    const one = await takeSnapshot(test.db.pool, { bucketSize: BUCKET });
    const two = await takeSnapshot(test.db.pool, { bucketSize: BUCKET });
    expect(one.salt).not.toBe(two.salt);
    expect(one.canonicalChecksum).not.toBe(two.canonicalChecksum);
    expect(() => compareSnapshots(one, two, { rehearsalId: 'salt', stagingEvidence: QUIET })).toThrow(
      /after\.salt: .*\(rule: same_as_before\)/,
    );
    expect(() => compareSnapshots(one, one, { rehearsalId: 'self', stagingEvidence: QUIET })).toThrow(
      /after\.snapshotId: is the before snapshot itself.*\(rule: distinct\)/,
    );
  });

  it('is never PASS without the written-since figures: an after snapshot not taken since the before is INCONCLUSIVE', async () => {
    const before = await freshBase();
    const after = await snap();
    const report = compareSnapshots(
      before,
      { ...after, since: null },
      { rehearsalId: 'nosince', stagingEvidence: QUIET },
    );
    expect(claimOf(report, 'NT-7')).toMatchObject({ holds: null });
    expect(claimOf(report, 'NT-7').detail).toMatch(/no written-since figure/);
    expect(report.verdict).toBe('INCONCLUSIVE');
    expect(compareSnapshots(before, after, { rehearsalId: 'since', stagingEvidence: QUIET }).verdict).toBe(
      'PASS',
    );
  });

  it('fails NT-7 with F-OPEN-9 when the staging evidence lists residue, and NT-6 when a certify trigger sits on the surface', async () => {
    await freshBase();
    const after = await snap();
    const residue = compareSnapshots(base, after, {
      rehearsalId: 'residue',
      stagingEvidence: { certifyTriggersOnSurface: 0, residue: ['table staging_x.candidates'] },
    });
    expect(residue.verdict).toBe('FAIL');
    expect(claimOf(residue, 'NT-7')).toMatchObject({
      holds: false,
      failCondition: 'F-OPEN-9',
      after: { 'staging.residue': 1 },
    });
    const trigger = compareSnapshots(base, after, {
      rehearsalId: 'trigger',
      stagingEvidence: { certifyTriggersOnSurface: 1, residue: [] },
    });
    expect(claimOf(trigger, 'NT-6')).toMatchObject({ holds: false, failCondition: 'F-OPEN-8' });
  });

  it('is at best INCONCLUSIVE without staging evidence, and refuses staging evidence of the wrong shape', async () => {
    await freshBase();
    const after = await snap();
    const report = compareSnapshots(base, after, { rehearsalId: 'bare', stagingEvidence: {} });
    expect(report.verdict).toBe('INCONCLUSIVE');
    expect(holding(report)).toMatchObject({ 'NT-6': null, 'NT-7': null });
    expect(() =>
      compareSnapshots(base, after, {
        rehearsalId: 'bad',
        stagingEvidence: { residue: 'none', certifyTriggersOnSurface: -1 },
      }),
    ).toThrow(/residue[\s\S]*certifyTriggersOnSurface|certifyTriggersOnSurface[\s\S]*residue/);
  });

  it('leaves the report schema refusing a hand-made PASS over a failed comparison', async () => {
    const after = await afterChange(9, () =>
      test.db.pool.query('update public.birth_registry set status = null where id = 9'),
    );
    const report = compareSnapshots(base, after, { rehearsalId: 'forged', stagingEvidence: QUIET });
    expect(report.verdict).toBe('FAIL');
    const forged = { ...report, verdict: 'PASS' };
    expect(() => parseOrThrow(proofReportSchema, forged, 'proof report')).toThrow(ValidationError);
    const whitewashed = {
      ...forged,
      claims: report.claims.map(({ failCondition: _f, changes: _c, ...claim }) => ({
        ...claim,
        holds: true,
      })),
    };
    // Every claim marked as holding: the attached snapshots still disagree on the canonical checksum.
    expect(() => parseOrThrow(proofReportSchema, whitewashed, 'proof report')).toThrow(
      /after: PASS while the snapshots differ in canonicalChecksum/,
    );
  });

  it('refuses to compare snapshots of different bucket sizes or databases, naming the field', async () => {
    const other = await takeSnapshot(test.db.pool, { bucketSize: 128 });
    expect(() => compareSnapshots(base, other, { rehearsalId: 'x', stagingEvidence: QUIET })).toThrow(
      /after\.buckets\.size: .*\(rule: same_as_before\)/,
    );
    expect(() =>
      compareSnapshots(
        base,
        { ...base, database: 'elsewhere' },
        { rehearsalId: 'x', stagingEvidence: QUIET },
      ),
    ).toThrow(/after\.database/);
  });
});

/** Writes past any guard, on a session of its own (as a leak or a careless script would). */
async function writeAsLeakPool(sql: string): Promise<void> {
  const client = await test.db.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
