import { BirthLaneError } from '@birth-lane/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedSurface } from '../src/create-surface.js';
import { reportSurface } from '../src/report-surface.js';
import { runSurface } from '../src/run-surface.js';
import { StagingReadinessError } from '../src/staging-errors.js';
import { surfaceTable } from '../src/surface-id.js';
import {
  compiler,
  createLogin,
  dropLogins,
  fixtureSurface,
  goodRow,
  type Login,
  poolAs,
  refusal,
  useStagingDatabase,
} from './support.js';

const t = useStagingDatabase();

/** Seed 001's bad-input list, one fixture row per case (ids name the case). */
const ROWS = {
  good: goodRow(1),
  missingEntityCode: goodRow(2, { entity_code: null }),
  missingCollection: goodRow(3, { collection_name: '' }),
  certifiedLike: goodRow(4, {
    certified: true,
    inspect_pen: '2026-03-21T00:00:00Z',
    inspect_stamp: '2026-03-21T00:00:00Z',
    inspect_gate: '2026-03-21T00:00:00Z',
  }),
  ambiguousPartial: goodRow(5, { inspect_stamp: '2026-01-01T00:00:00Z' }),
  observed: goodRow(6, { governance_role: 'observed' }),
  outOfScopeRole: goodRow(7, { governance_role: 'shadow' }),
  historicalPen: goodRow(8, { inspect_pen: '2026-01-01T00:00:00Z' }),
  forOutOfOrder: goodRow(9, { description: 'too short' }),
};

let surface: CreatedSurface;
let staging: Login;
interface Slots {
  id: string;
  inspect_pen: Date | null;
  inspect_stamp: Date | null;
  inspect_gate: Date | null;
}
const slots = async (): Promise<Map<string, Slots>> => {
  const { rows } = await t.db.pool.query<Slots>(
    `select id::text, inspect_pen, inspect_stamp, inspect_gate from ${surfaceTable(surface.surfaceId, 'input')} order by id`,
  );
  return new Map(rows.map((row) => [row.id, row]));
};
const evidenceOf = async (rowId: number) =>
  (
    await t.db.pool.query<{ kind: string; stage: string | null; check_id: string }>(
      `select kind, stage, check_id from ${surfaceTable(surface.surfaceId, 'evidence')} where row_id = $1::bigint order by id`,
      [rowId],
    )
  ).rows;

beforeAll(async () => {
  staging = await createLogin(t.db, 'birth_lane_staging');
  // Created by the staging login itself: it holds the surface's role, as an operator would.
  const pool = poolAs(t.db, staging);
  try {
    surface = await fixtureSurface(pool, Object.values(ROWS));
  } finally {
    await pool.end();
  }
});
afterAll(() => dropLogins(t.db, [staging]));

describe('loading: bad rows are kept as deliberate bad input, never fixed', () => {
  it('reports each kept row with its line and the rule production applies', () => {
    expect(surface.badRows.map((row) => [row.line, row.issues.map((issue) => issue.rule)])).toEqual([
      [2, ['required']],
      [3, ['required']],
      [4, ['certified_like']],
      [5, ['ambiguous_stamps']],
      [7, ['one_of']],
    ]);
  });
});

describe('a run judges them exactly as production would', () => {
  let before: Map<string, Slots>;
  beforeAll(async () => {
    before = await slots();
    await runSurface(t.db.pool, surface.surfaceId, { compiler });
  });

  it('missing entity_code: no PEN, and the failure in the surface evidence', async () => {
    expect((await slots()).get('2')?.inspect_pen).toBeNull();
    expect(await evidenceOf(2)).toContainEqual({
      kind: 'inspection_failure',
      stage: 'pen',
      check_id: 'pen.entity_code.required',
    });
  });

  it('missing collection_name: no PEN, and the failure in the surface evidence', async () => {
    expect((await slots()).get('3')?.inspect_pen).toBeNull();
    expect(await evidenceOf(3)).toContainEqual({
      kind: 'inspection_failure',
      stage: 'pen',
      check_id: 'pen.collection_name.required',
    });
  });

  it('certified-like: skipped, nothing written, nothing recorded', async () => {
    expect((await slots()).get('4')).toEqual(before.get('4'));
    expect(await evidenceOf(4)).toEqual([]);
  });

  it('ambiguous partial stamps: marked ambiguous, not continued', async () => {
    expect((await slots()).get('5')).toEqual(before.get('5'));
    expect(await evidenceOf(5)).toEqual([
      { kind: 'ambiguous_row', stage: null, check_id: 'ambiguous:stamp_without_pen' },
    ]);
  });

  it('out-of-scope governance_role (observed, or any other): skipped', async () => {
    for (const id of ['6', '7']) expect((await slots()).get(id)).toEqual(before.get(id));
    expect([...(await evidenceOf(6)), ...(await evidenceOf(7))]).toEqual([]);
  });

  it('a good row gets all three candidate stamps, in order; a historical PEN is continued, not re-stamped', async () => {
    const now = await slots();
    const good = now.get('1')!;
    expect(good.inspect_pen).not.toBeNull();
    expect(good.inspect_pen!.getTime()).toBeLessThanOrEqual(good.inspect_stamp!.getTime());
    expect(good.inspect_stamp!.getTime()).toBeLessThanOrEqual(good.inspect_gate!.getTime());
    expect(now.get('8')!.inspect_pen).toEqual(before.get('8')!.inspect_pen);
    expect(now.get('8')!.inspect_gate).not.toBeNull();
  });

  it('the report counts it all', async () => {
    const report = await reportSurface(t.db.pool, surface.surfaceId);
    expect(report.counts).toMatchObject({
      rows: 9,
      scanned: 6,
      skipped: 2,
      skippedCertified: 1,
      ambiguous: 1,
      passed: { pen: 2, stamp: 2, gate: 2 },
      failed: { pen: 2, stamp: 1, gate: 0 },
      runs: 1,
    });
    expect(report.comparison).toBeNull();
  });

  it('a second run changes nothing and appends no failure twice', async () => {
    const stamped = await slots();
    const again = await runSurface(t.db.pool, surface.surfaceId, { compiler });
    expect(again.stampedRows).toBe(0);
    expect(again.evidenceAppended).toBe(0);
    expect(await slots()).toEqual(stamped);
  });
});

describe("production's stud guards the candidate slots", () => {
  it('an out-of-order candidate stamp (GATE without STAMP) is refused (BL001)', async () => {
    const error = await refusal(
      staging.client.query(
        `update ${surfaceTable(surface.surfaceId, 'input')} set inspect_gate = now() where id = 9`,
      ),
    );
    expect(error.code).toBe('BL001');
    expect(error.constraint).toBe('inspect_stud.gate_without_stamp');
  });

  it('blanket stamps (the fused INSERT with all three = now()) are refused: no INSERT once sealed (42501), and the stud (BL001) for the owner', async () => {
    const insert = `insert into ${surfaceTable(surface.surfaceId, 'input')} (id, entity_code, governance_role, inspect_pen, inspect_stamp, inspect_gate)
         values (100, 'X-100', 'governed', now(), now(), now())`;
    expect((await refusal(staging.client.query(insert))).code).toBe('42501');
    const error = await refusal(t.db.pool.query(insert));
    expect(error.code).toBe('BL001');
    expect(error.constraint).toBe('inspect_stud.stamp_on_insert');
  });

  it('the creator can neither drop nor disable the stud (it does not own the table: 42501)', async () => {
    const input = surfaceTable(surface.surfaceId, 'input');
    for (const sql of [
      `drop trigger input_inspect_stud on ${input}`,
      `alter table ${input} disable trigger input_inspect_stud`,
      `alter table ${input} disable trigger all`,
    ]) {
      expect((await refusal(staging.client.query(sql))).code).toBe('42501');
    }
  });

  it('a stamp, once set, cannot be changed (BL001)', async () => {
    const error = await refusal(
      staging.client.query(
        `update ${surfaceTable(surface.surfaceId, 'input')} set inspect_pen = now() where id = 1`,
      ),
    );
    expect(error.code).toBe('BL001');
  });
});

describe('staging evidence is append-only', () => {
  for (const [what, sql] of [
    ['UPDATE', "update {evidence} set message = 'rewritten'"],
    ['DELETE', 'delete from {evidence}'],
    ['TRUNCATE', 'truncate {evidence}'],
  ] as const) {
    it(`${what} by the creator is refused for lack of privilege (42501), and by the table's owner (BL002)`, async () => {
      const statement = sql.replace('{evidence}', surfaceTable(surface.surfaceId, 'evidence'));
      expect((await refusal(staging.client.query(statement))).code).toBe('42501');
      expect((await refusal(t.db.pool.query(statement))).code).toBe('BL002');
    });
  }
});

describe('an unresolved rule set means no surface and no stamp', () => {
  it('no rule set was ever activated: refused at creation (SR-8), nothing created', async () => {
    const error = await refusal(fixtureSurface(t.db.pool, [goodRow(1)], { ruleSet: { kind: 'compiled' } }));
    expect(StagingReadinessError.isInstance(error)).toBe(true);
    expect((error as StagingReadinessError).code).toBe('SOURCE_RECOVERY_REQUIRED');
    expect((error as StagingReadinessError).failed.map((check) => check.id)).toEqual(['SR-8']);
  });

  it('a version the store does not hold: refused (SR-8)', async () => {
    const error = await refusal(
      fixtureSurface(t.db.pool, [goodRow(1)], { ruleSet: { kind: 'version', version: '9.9.9' } }),
    );
    expect((error as StagingReadinessError).failed[0]!.observed).toContain('no rule set 9.9.9 is stored');
  });

  it('a manifest whose rule set was changed after creation: the run refuses and stamps nothing', async () => {
    const other = await fixtureSurface(t.db.pool, [goodRow(1)]);
    await t.db.pool.query(
      `update ${surfaceTable(other.surfaceId, 'manifest')}
          set rule_set_document = jsonb_set(rule_set_document, '{stages,pen,0,field}', '"name"')`,
    );
    const error = await refusal(runSurface(t.db.pool, other.surfaceId, { compiler }));
    expect(BirthLaneError.isInstance(error) && error.code).toBe('SOURCE_RECOVERY_REQUIRED');
    const { rows } = await t.db.pool.query(
      `select count(*)::int as stamped from ${surfaceTable(other.surfaceId, 'input')} where inspect_pen is not null`,
    );
    expect(rows[0]).toEqual({ stamped: 0 });
  });
});
