import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quoteIdentifier } from '@birth-lane/contract';
import { useTestDatabase } from '@birth-lane/test-kit';
import { describe, expect, it } from 'vitest';
import { laneSteps } from '../src/lane/lane-steps.js';
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
    ).toEqual(['standing_producer', 'runs_succeeded', 'approval']);
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
    const example = new URL(
      '../../../packages/stamp-mapping/examples/registry-mapping.json',
      import.meta.url,
    );
    const ok = await runCli(['stamps', 'check', example.pathname], env());
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^ok: every stamp maps onto an existing column/);
  });
});
