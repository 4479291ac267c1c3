import { readFile } from 'node:fs/promises';
import { APPROVER_DATABASE_ROLES, LANE_ROLES, SQLSTATE, sqlStateOf } from '@birth-lane/contract';
import { approveWithDemoLogins } from '@birth-lane/contract/testing';
import { useTestDatabase } from '@birth-lane/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkStampMapping } from '../src/check-mapping.js';
import { parseStampMapping } from '../src/mapping-document.js';
import { materializeStamps } from '../src/materialize-stamps.js';
import { refusal, registryRow, SETUP_SQL, testLogins } from './support.js';

const t = useTestDatabase({ setupSql: SETUP_SQL });
const people = testLogins(() => t.db, {
  promoter: [LANE_ROLES.promoter],
  other: [LANE_ROLES.promoter],
  ops: [LANE_ROLES.governance],
  president: [APPROVER_DATABASE_ROLES.president],
});

const mapping = async () =>
  parseStampMapping(
    JSON.parse(await readFile(new URL('../examples/registry-mapping.json', import.meta.url), 'utf8')),
  );

interface Canonical {
  id: string;
  canonical_address: string | null;
  owner: string | null;
  jsonb_profile: Record<string, Record<string, string>> | null;
}
async function canonicalColumns(): Promise<Canonical[]> {
  const { rows } = await t.db.pool.query<Canonical>(
    'select id::text, canonical_address, owner, jsonb_profile from public.birth_registry order by id',
  );
  return rows;
}

/** The approval's scope, with the mapping's hash as the database computes it. */
async function scopeFor(fromId: string, toId: string, owner = 'registry-stewards') {
  const { mappingHash } = await checkStampMapping(t.db.pool, await mapping());
  return { mappingHash, fromId, toId, owner };
}

const approveFully = (scope: Record<string, string>) =>
  approveWithDemoLogins(t.db.pool, (login, password) => t.db.connectAs(login, password), {
    action: 'stamp_materialisation',
    scope,
  });

let ids: string[];
beforeAll(async () => {
  await people.create();
  // certified, uncertified, certified, certified, certified (the last outside the approved range)
  ids = [];
  for (const certify of [true, false, true, true, true]) ids.push(await registryRow(t.db.pool, { certify }));
});
afterAll(async () => {
  await people.drop();
});

describe('materializeStamps', () => {
  it('without quorum writes nothing and leaves the approval unused', async () => {
    const scope = await scopeFor(ids[0]!, ids[3]!);
    const ops = await people.session('ops');
    const { rows } = await ops.query<{ id: string }>(
      "select birth_lane.request_approval('stamp_materialisation', $1::jsonb, 'high', 'materialise')::text as id",
      [JSON.stringify(scope)],
    );
    const approvalId = rows[0]!.id;
    await (await people.session('president')).query("select birth_lane.cast_vote($1::bigint, 'approve')", [
      approvalId,
    ]);
    const before = await canonicalColumns();
    const promoter = await people.session('promoter');
    await expect(materializeStamps(promoter, { mapping: await mapping(), approvalId })).rejects.toMatchObject(
      {
        code: 'QUORUM_NOT_MET',
        rule: 'approval_quorum',
      },
    );
    expect(await canonicalColumns()).toEqual(before);
    const { rows: jobs } = await t.db.pool.query('select 1 from birth_lane.stamp_materialisations');
    expect(jobs).toHaveLength(0);
    const { rows: uses } = await t.db.pool.query(
      'select 1 from birth_lane.approval_uses where request_id = $1',
      [approvalId],
    );
    expect(uses).toHaveLength(0);
  });

  it('with quorum writes exactly the mapped stamps on the certified rows of the range, in batches, on record', async () => {
    const scope = await scopeFor(ids[0]!, ids[3]!);
    const approvalId = await approveFully(scope);
    const before = await canonicalColumns();
    const promoter = await people.session('promoter');
    const batches: string[][] = [];
    const result = await materializeStamps(
      promoter,
      { mapping: await mapping(), approvalId, batchSize: 2 },
      { onBatch: (batch) => batches.push(batch.rowIds) },
    );
    expect(result).toMatchObject({
      rowsWritten: 3,
      batches: 2,
      fromId: ids[0],
      toId: ids[3],
      resumed: false,
    });
    expect(batches).toEqual([[ids[0], ids[2]], [ids[3]]]);

    const after = await canonicalColumns();
    for (const row of after) {
      const index = ids.indexOf(row.id);
      if ([0, 2, 3].includes(index)) {
        expect(row.canonical_address).toMatch(/^fauna\/STAMP-\d{4}$/);
        expect(row.owner).toBe('registry-stewards');
        expect(row.jsonb_profile?.governance).toMatchObject({
          approvalRequestId: approvalId,
          mappingHash: scope.mappingHash,
        });
      } else {
        // The uncertified row and the row outside the range: untouched.
        expect(row).toEqual(before.find((each) => each.id === row.id));
      }
    }
    // BIRTH (certified_at) is the certification itself: never written here.
    const { rows: evidence } = await t.db.pool.query<{ payload: { payload: { rowIds: string[] } } }>(
      "select payload from birth_lane.evidence where kind = 'note' and check_id = 'stamps.materialised' order by id",
    );
    expect(evidence.flatMap((row) => row.payload.payload.rowIds)).toEqual([ids[0], ids[2], ids[3]]);

    // The approval is used: a second run is refused; nothing changes.
    await expect(materializeStamps(promoter, { mapping: await mapping(), approvalId })).rejects.toMatchObject(
      {
        code: 'APPROVAL_REQUIRED',
        rule: 'approval_single_use',
      },
    );
    const again = await refusal(
      promoter.query('select birth_lane.begin_stamp_materialisation($1::jsonb, $2::bigint)', [
        JSON.stringify(await mapping()),
        approvalId,
      ]),
    );
    expect(again).toMatchObject({ code: SQLSTATE.approvalViolation, constraint: 'approval_single_use' });
    expect(await canonicalColumns()).toEqual(after);
  });

  it('an approval for another mapping, range or without the owner is refused; nothing written', async () => {
    const before = await canonicalColumns();
    const promoter = await people.session('promoter');
    const otherMapping = { ...(await scopeFor(ids[4]!, ids[4]!)), mappingHash: 'f'.repeat(64) };
    const noOwner = await scopeFor(ids[4]!, ids[4]!);
    const { owner: _owner, ...withoutOwner } = noOwner;
    for (const [scope, rule] of [
      [otherMapping, 'approval_scope_matches'],
      [withoutOwner, 'approval_scope_owner'],
    ] as const) {
      const approvalId = await approveFully(scope);
      await expect(
        materializeStamps(promoter, { mapping: await mapping(), approvalId }),
      ).rejects.toMatchObject({
        code: 'APPROVAL_REQUIRED',
        rule,
      });
    }
    const rangeApproval = await approveFully(await scopeFor(ids[4]!, ids[4]!));
    await expect(
      materializeStamps(promoter, { mapping: await mapping(), approvalId: rangeApproval, fromId: ids[0] }),
    ).rejects.toMatchObject({ rule: 'approval_scope_matches' });
    expect(await canonicalColumns()).toEqual(before);
  });

  it('lane roles cannot write stamps around it; another login cannot continue it; the guard refuses the owner', async () => {
    const promoter = await people.session('promoter');
    const direct = await refusal(
      promoter.query("update public.birth_registry set owner = 'me' where id = $1::bigint", [ids[4]]),
    );
    expect(sqlStateOf(direct)).toBe(SQLSTATE.insufficientPrivilege);
    const ops = await people.session('ops');
    const begin = await refusal(
      ops.query('select birth_lane.begin_stamp_materialisation($1::jsonb, 1)', [
        JSON.stringify(await mapping()),
      ]),
    );
    expect(sqlStateOf(begin)).toBe(SQLSTATE.insufficientPrivilege);
    const pass = await refusal(
      promoter.query(
        'insert into birth_lane.promotion_in_progress values ($1::bigint, pg_current_xact_id())',
        [ids[4]],
      ),
    );
    expect(sqlStateOf(pass)).toBe(SQLSTATE.insufficientPrivilege);
    // Even the owner: outside the pass, the certified-pair guard refuses a canonical column.
    const owner = await refusal(
      t.db.pool.query("update public.birth_registry set canonical_address = 'x' where id = $1::bigint", [
        ids[4],
      ]),
    );
    expect(owner).toMatchObject({ code: SQLSTATE.laneViolation, constraint: 'certified_pair_guard' });

    const approvalId = await approveFully(await scopeFor(ids[4]!, ids[4]!));
    await promoter.query('select birth_lane.begin_stamp_materialisation($1::jsonb, $2::bigint)', [
      JSON.stringify(await mapping()),
      approvalId,
    ]);
    const other = await people.session('other');
    const stolen = await refusal(
      other.query('select birth_lane.materialize_stamps_batch($1::bigint)', [approvalId]),
    );
    expect(stolen).toMatchObject({ constraint: 'stamp_materialisation_of_another_login' });
    // A resume continues what was begun: another mapping or range is refused, naming each, not ignored.
    await expect(
      materializeStamps(promoter, {
        mapping: { ...(await mapping()), version: '9.9.9' },
        approvalId,
        fromId: ids[0],
      }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      issues: [
        expect.objectContaining({ field: 'mapping', rule: 'same_as_begun' }),
        expect.objectContaining({ field: 'fromId', rule: 'same_as_begun' }),
      ],
    });
    // The login that began it resumes it.
    await expect(
      materializeStamps(promoter, { mapping: await mapping(), approvalId }),
    ).resolves.toMatchObject({
      rowsWritten: 1,
      resumed: true,
    });
    for (const statement of [
      'truncate birth_lane.stamp_materialisations',
      'update birth_lane.stamp_materialisations set next_id = 1',
      "insert into birth_lane.stamp_materialisations (approval_request_id, mapping, mapping_hash, from_id, to_id, next_id) values (1, '{}', 'x', 1, 1, 1)",
    ])
      expect(sqlStateOf(await refusal(promoter.query(statement)))).toBe(SQLSTATE.insufficientPrivilege);
    const note = await refusal(
      t.db.pool.query("select birth_lane.append_note('stamps.materialised', '{}'::jsonb)"),
    );
    expect(note).toMatchObject({ constraint: 'evidence_note_topic_reserved' });
  });

  it('walks a long stretch of uncertified rows in bounded windows (20 ids per row a batch may write)', async () => {
    const stretch: string[] = [];
    for (let n = 0; n < 45; n++) stretch.push(await registryRow(t.db.pool, { certify: false }));
    const certified = await registryRow(t.db.pool, { certify: true });
    const approvalId = await approveFully(await scopeFor(stretch[0]!, certified));
    const windows: Array<[string | undefined, string | undefined, number]> = [];
    const result = await materializeStamps(
      await people.session('promoter'),
      { mapping: await mapping(), approvalId, batchSize: 1 },
      { onBatch: (batch) => windows.push([batch.afterId, batch.throughId, batch.rowsWritten]) },
    );
    expect(result.rowsWritten).toBe(1);
    const first = BigInt(stretch[0]!);
    expect(windows).toEqual([
      [String(first - 1n), String(first + 19n), 0],
      [String(first + 19n), String(first + 39n), 0],
      [String(first + 39n), certified, 1],
    ]);
  });

  it('never overwrites a value already there, and leaves observed rows alone even when certified', async () => {
    const preset = await registryRow(t.db.pool, {
      certify: true,
      canonicalAddress: 'pre/set',
      owner: 'pre-set-owner',
    });
    const observed = await registryRow(t.db.pool, { certify: true, governanceRole: 'observed' });
    const fresh = await registryRow(t.db.pool, { certify: true });
    const { rows: certifiedObserved } = await t.db.pool.query(
      "select 1 from public.birth_registry where id = $1::bigint and certified and governance_role = 'observed'",
      [observed],
    );
    expect(certifiedObserved).toHaveLength(1);
    const before = await canonicalColumns();
    const approvalId = await approveFully(await scopeFor(preset, fresh));
    const result = await materializeStamps(await people.session('promoter'), {
      mapping: await mapping(),
      approvalId,
    });
    expect(result.rowsWritten).toBe(2);
    const after = await canonicalColumns();
    const row = (id: string) => after.find((each) => each.id === id)!;
    expect(row(preset)).toMatchObject({ canonical_address: 'pre/set', owner: 'pre-set-owner' });
    expect(row(observed)).toEqual(before.find((each) => each.id === observed));
    expect(row(fresh)).toMatchObject({ owner: 'registry-stewards' });
    expect(row(fresh).canonical_address).toMatch(/^fauna\/STAMP-\d{4}$/);
  });
});
