import { LANE_ROLES } from '@birth-lane/contract';
import type { CommandHost } from '@birth-lane/contract/cli';
import { useTestDatabase } from '@birth-lane/test-kit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { gateFlip, gateStatus } from '../src/cli/gate-actions.js';
import { SETUP_SQL, testLogins, withNonSuperuserOwner } from './support.js';

const t = useTestDatabase({ setupSql: SETUP_SQL });
const people = testLogins(() => t.db, { ops: [LANE_ROLES.governance] });

/** A host whose database is one LOGIN session of `ops`; the session stays open for the file. */
function hostOf(): CommandHost {
  return {
    openDatabase: async () => {
      const session = await people.session('ops');
      return { pool: session as never, url: '', source: 'test', close: async () => undefined };
    },
  } as unknown as CommandHost;
}

async function stdoutOf(work: () => Promise<number>): Promise<{ code: number; out: string }> {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    return { code: await work(), out: chunks.join('') };
  } finally {
    spy.mockRestore();
  }
}

const windows = { heartbeatWindow: 300, healthWindow: 3600 };

beforeAll(async () => {
  await people.create();
});
afterAll(async () => {
  await people.drop();
});

describe('birth-lane gate', () => {
  it('flip --to block without a producer exits non-zero; --json lists the criteria with met: false', async () => {
    const { code, out } = await stdoutOf(() => gateFlip(hostOf(), { ...windows, to: 'block', json: true }));
    expect(code).toBe(1);
    const result = JSON.parse(out);
    expect(result.outcome).toBe('refused');
    expect(result.criteria).toContainEqual(expect.objectContaining({ id: 'pen_judgement', met: false }));
    expect(result.criteria).toContainEqual(expect.objectContaining({ id: 'standing_producer', met: false }));
    expect(result.criteria).toContainEqual(expect.objectContaining({ id: 'approval', met: false }));
  });

  it('flip --to warning exits 0; status --json says the layer and the caveat, and lists each criterion', async () => {
    expect((await stdoutOf(() => gateFlip(hostOf(), { ...windows, to: 'warning' }))).code).toBe(0);
    const { code, out } = await stdoutOf(() => gateStatus(hostOf(), { ...windows, json: true }));
    expect(code).toBe(0);
    const status = JSON.parse(out);
    expect(status.mode).toEqual({ value: 'warning', layer: 'database' });
    expect(status.caveat).toMatch(/cannot see a session override/);
    expect(status.flipToBlock.criteria.map((each: { id: string }) => each.id)).toEqual([
      'owner_can_set_mode',
      'pen_judgement',
      'standing_producer',
      'runs_succeeded',
      'backlog_not_growing',
      'approval',
    ]);
    const text = await stdoutOf(() => gateStatus(hostOf(), windows));
    expect(text.out).toMatch(/^mode {5}warning {2}\(layer: database/);
    expect(text.out).toMatch(/NOT MET {2}standing_producer: no heartbeat from any producer/);
  });

  it('flip with a lane owner that cannot set the mode exits 77 and prints the GRANT, also under --json', async () => {
    await withNonSuperuserOwner(t.db, async (owner) => {
      const grant = `GRANT SET ON PARAMETER app.birth_gate_mode, app.bypass_birth_gate TO ${owner}`;
      const json = await stdoutOf(() => gateFlip(hostOf(), { ...windows, to: 'warning', json: true }));
      expect(json.code).toBe(77);
      expect(JSON.parse(json.out)).toMatchObject({
        outcome: 'refused',
        criteria: [
          expect.objectContaining({ id: 'owner_can_set_mode', measured: expect.stringContaining(grant) }),
        ],
      });
      const text = await stdoutOf(() => gateFlip(hostOf(), { ...windows, to: 'warning' }));
      expect(text.code).toBe(77);
      expect(text.out).toContain(grant);
      expect(text.out).not.toMatch(/needs birth_lane_governance/);
    });
  });
});
