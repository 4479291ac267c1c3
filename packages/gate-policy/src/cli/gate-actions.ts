import { BirthLaneError, type Database, EXIT_CODES, SQLSTATE, sqlStateOf } from '@birth-lane/contract';
import { type CommandHost, withDatabase } from '@birth-lane/contract/cli';
import { type FlipCriterion, readFlipCriteria } from '../flip-criteria.js';
import { flipBirthGate } from '../flip-gate.js';
import { readPersistedGateLayers } from '../persisted-gate-layers.js';
import type { GateWindowFlags } from './gate-command.js';

/** The work of `birth-lane gate …` (see gate-command.ts); each returns the exit code. */

const windows = (flags: GateWindowFlags) => ({
  heartbeatWindowSeconds: flags.heartbeatWindow,
  healthWindowSeconds: flags.healthWindow,
});

function criterionLine(each: FlipCriterion): string {
  return `  ${each.met ? 'met    ' : 'NOT MET'}  ${each.id}: ${each.measured} (needs ${each.required})`;
}

/** A login without the right role is told which one opens the command. */
async function withGateDatabase(
  host: CommandHost,
  role: string,
  work: (db: Database) => Promise<number>,
): Promise<number> {
  return withDatabase(host, async (db) => {
    try {
      return await work(db);
    } catch (error) {
      if (sqlStateOf(error) !== SQLSTATE.insufficientPrivilege) throw error;
      throw new BirthLaneError('FORBIDDEN_ACTION', `${(error as Error).message}: the login needs ${role}`, {
        cause: error,
      });
    }
  });
}

export async function gateStatus(
  host: CommandHost,
  flags: GateWindowFlags & { role?: string; approval?: string; json?: boolean },
): Promise<number> {
  return withGateDatabase(host, 'birth_lane_reader or birth_lane_governance', async (db) => {
    const persisted = await readPersistedGateLayers(db, { forRole: flags.role ?? null });
    const flip = await readFlipCriteria(db, { approvalId: flags.approval, ...windows(flags) });
    if (flags.json) {
      process.stdout.write(`${JSON.stringify({ ...persisted, flipToBlock: flip })}\n`);
      return EXIT_CODES.completed;
    }
    const who = persisted.forRole === null ? 'a login with no role settings' : `login ${persisted.forRole}`;
    const lines = [
      `mode     ${persisted.mode.value ?? 'unset (the gate acts as warning)'}  (layer: ${persisted.mode.layer}; for ${who})`,
      `bypass   ${persisted.bypass.value ? 'ON' : 'off'}  (layer: ${persisted.bypass.layer})`,
      ...persisted.settings.map(
        (each) =>
          `  persisted ${each.setting} = '${each.value}' at layer ${each.layer}${each.role ? ` for ${each.role}` : ''}`,
      ),
      ...persisted.risks.map((risk) => `RISK     ${risk}`),
      `note     ${persisted.caveat}`,
      `flip to block needs every criterion (approval scope ${JSON.stringify(flip.approvalScope)}):`,
      ...flip.criteria.map(criterionLine),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    return EXIT_CODES.completed;
  });
}

export async function gateFlip(
  host: CommandHost,
  flags: GateWindowFlags & { to: 'warning' | 'block'; approval?: string; json?: boolean },
): Promise<number> {
  return withGateDatabase(host, 'birth_lane_governance', async (db) => {
    const result = await flipBirthGate(db, { to: flags.to, approvalId: flags.approval, ...windows(flags) });
    const code = result.outcome === 'flipped' ? EXIT_CODES.completed : EXIT_CODES.failed;
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return code;
    }
    const lines =
      result.outcome === 'flipped'
        ? [
            `flipped: app.birth_gate_mode = ${result.to} for database ${result.database} (was ${result.from ?? 'unset'})`,
            'new sessions start with it; sessions already open keep their value until they reconnect',
          ]
        : [`refused: the gate stays ${result.from ?? 'unset (warning)'}; each criterion:`];
    lines.push(...result.criteria.map(criterionLine), 'recorded on the evidence log (topic gate.flip)');
    process.stdout.write(`${lines.join('\n')}\n`);
    return code;
  });
}
