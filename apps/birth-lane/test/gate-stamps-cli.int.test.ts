import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LANE_ROLES, quoteIdentifier, quoteLiteral } from '@birth-lane/contract';
import { approveWithDemoLogins } from '@birth-lane/contract/testing';
import { useTestDatabase } from '@birth-lane/test-kit';
import { describe, expect, it } from 'vitest';
import { laneSteps } from '../src/lane/lane-steps.js';
import { installActiveLane } from './install-active-lane.js';
import { runCli } from './run-cli.js';

const t = useTestDatabase({ setupSql: laneSteps.map((step) => step.mutation), name: 'gate-stamps-cli' });
const env = () => ({ DATABASE_URL: t.db.connectionString });

describe('birth-lane gate, stamps and status (the real binary)', () => {
  it('gate flip --to block with no producer exits 1; --json lists the criteria with met: false', async () => {
    const flip = await runCli(['gate', 'flip', '--to', 'block', '--json'], env());
    expect(flip.code, flip.stderr).toBe(1);
    const result = JSON.parse(flip.stdout);
    expect(result.outcome).toBe('refused');
    expect(
      result.criteria.filter((each: { met: boolean }) => !each.met).map((each: { id: string }) => each.id),
    ).toEqual(['pen_judgement', 'standing_producer', 'runs_succeeded', 'approval']);
  });

  it('status reports a persisted bypass as a gate risk; gate status names its layer', async () => {
    await t.db.pool.query(
      `alter database ${quoteIdentifier(t.db.databaseName)} set app.bypass_birth_gate = on`,
    );
    try {
      const status = await runCli(['status'], env());
      expect(status.code, status.stderr).toBe(0);
      expect(status.stdout).toMatch(
        /RISK {8}app\.bypass_birth_gate is persisted on \(layer database\): births there skip the gate/,
      );
      const gate = await runCli(['gate', 'status', '--json'], env());
      expect(gate.code, gate.stderr).toBe(0);
      expect(JSON.parse(gate.stdout).bypass).toEqual({ value: true, layer: 'database' });
    } finally {
      await t.db.pool.query(
        `alter database ${quoteIdentifier(t.db.databaseName)} reset app.bypass_birth_gate`,
      );
    }
  });

  it('stamps check: a missing column exits 1 naming the entry and the rule; existing columns exit 0', async () => {
    const missing = join(tmpdir(), `stamps-missing-${process.pid}.json`);
    await writeFile(
      missing,
      JSON.stringify({ version: '1.0.0', mappings: [{ stamp: 'PROMOTE', column: 'promote_stamp' }] }),
    );
    const refused = await runCli(['stamps', 'check', missing, '--json'], env());
    expect(refused.code, refused.stderr).toBe(1);
    expect(JSON.parse(refused.stdout).problems).toEqual([
      expect.objectContaining({ field: 'mappings.0.column', rule: 'existing_column' }),
    ]);
    // A file that is not a mapping: refused (64) and, under --json, the error object on stdout.
    const malformed = join(tmpdir(), `stamps-malformed-${process.pid}.json`);
    await writeFile(malformed, JSON.stringify({ version: '1.0.0', mappings: 'PROMOTE' }));
    const bad = await runCli(['stamps', 'check', malformed, '--json'], env());
    expect(bad.code, bad.stderr).toBe(64);
    expect(JSON.parse(bad.stdout).error).toMatchObject({
      code: expect.any(String),
      message: expect.any(String),
    });
    const example = new URL(
      '../../../packages/stamp-mapping/examples/registry-mapping.json',
      import.meta.url,
    );
    const ok = await runCli(['stamps', 'check', example.pathname], env());
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^ok: every stamp maps onto an existing column/);
  });

  it('stamps materialize as a promoter login: the approved stamps on the certified rows, --json', async () => {
    await installActiveLane(t.db);
    await t.db.pool.query(
      `insert into public.birth_registry (entity_code, collection_name, species_code, dot_origin, name, description, status)
       values ('ENT-101', 'fauna', 'SP-MAMMAL', 'dot://a', 'A cat', 'A small domesticated mammal.', 'active'),
              ('ENT-102', 'fauna', 'SP-MAMMAL', 'dot://b', 'A dog', 'A loyal domesticated mammal.', 'active')`,
    );
    const run = await runCli(['run', '--json'], env());
    expect(run.code, run.stderr).toBe(0);
    const { rows } = await t.db.pool.query<{ first: string; last: string }>(
      'select min(id)::text as first, max(id)::text as last from public.birth_registry where certified',
    );
    const example = new URL(
      '../../../packages/stamp-mapping/examples/registry-mapping.json',
      import.meta.url,
    );
    const check = JSON.parse((await runCli(['stamps', 'check', example.pathname, '--json'], env())).stdout);
    const approvalId = await approveWithDemoLogins(
      t.db.pool,
      (login, password) => t.db.connectAs(login, password),
      {
        action: 'stamp_materialisation',
        scope: {
          mappingHash: check.mappingHash,
          fromId: rows[0]!.first,
          toId: rows[0]!.last,
          owner: 'stewards',
        },
      },
    );

    const login = `bl_app_promoter_${randomBytes(4).toString('hex')}`;
    const password = randomBytes(18).toString('hex');
    await t.db.pool.query(
      `create role ${quoteIdentifier(login)} login password ${quoteLiteral(password)} in role ${LANE_ROLES.promoter}`,
    );
    try {
      const url = new URL(t.db.connectionString);
      url.username = login;
      url.password = password;
      const args = [
        'stamps',
        'materialize',
        '--mapping',
        example.pathname,
        '--approval',
        approvalId,
        '--json',
      ];
      const done = await runCli(args, { DATABASE_URL: url.toString() });
      expect(done.code, done.stderr).toBe(0);
      expect(JSON.parse(done.stdout)).toMatchObject({
        rowsWritten: 2,
        owner: 'stewards',
        approvalRequestId: approvalId,
      });
      const { rows: stamped } = await t.db.pool.query(
        "select canonical_address, owner from public.birth_registry where entity_code in ('ENT-101', 'ENT-102') order by id",
      );
      expect(stamped).toEqual([
        { canonical_address: 'fauna/ENT-101', owner: 'stewards' },
        { canonical_address: 'fauna/ENT-102', owner: 'stewards' },
      ]);
      // The approval is used: a second run exits non-zero and writes nothing.
      const again = await runCli(args, { DATABASE_URL: url.toString() });
      expect(again.code).not.toBe(0);
      expect(again.stderr).toMatch(/already used/);
    } finally {
      await t.db.pool.query(`drop owned by ${quoteIdentifier(login)}; drop role ${quoteIdentifier(login)}`);
    }
  });
});
