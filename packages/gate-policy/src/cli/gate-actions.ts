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

/**
 * A 42501 names the role that opens the command only when the login lacks it; a login that holds
 * it met a privilege the lane owner lacks (e.g. SET on a parameter), and is told so, not blamed.
 * Under --json the error object is printed on stdout as well.
 */
async function withGateDatabase(
  host: CommandHost,
  roles: readonly string[],
  json: boolean | undefined,
  work: (db: Database) => Promise<number>,
): Promise<number> {
  return withDatabase(host, async (db) => {
    try {
      return await work(db);
    } catch (error) {
      const refusal = await explainRefusal(db, roles, error).catch(() => error);
      if (json) {
        const code = refusal instanceof BirthLaneError ? refusal.code : 'ERROR';
        process.stdout.write(`${JSON.stringify({ error: { code, message: (refusal as Error).message } })}\n`);
      }
      throw refusal;
    }
  });
}

async function explainRefusal(db: Database, roles: readonly string[], error: unknown): Promise<unknown> {
  if (sqlStateOf(error) !== SQLSTATE.insufficientPrivilege) return error;
  const { rows } = await db.query<{ held: boolean }>(
    "select bool_or(pg_has_role(session_user, role, 'MEMBER')) as held from unnest($1::text[]) as role where to_regrole(role) is not null",
    [roles],
  );
  const message = rows[0]?.held
    ? `${(error as Error).message}: the login holds ${roles.join(' or ')}; the lane owner (the functions' owner) lacks this privilege (birth-lane gate status names it)`
    : `${(error as Error).message}: the login needs ${roles.join(' or ')}`;
  return new BirthLaneError('FORBIDDEN_ACTION', message, { cause: error });
}

export async function gateStatus(
  host: CommandHost,
  flags: GateWindowFlags & { role?: string; approval?: string; json?: boolean },
): Promise<number> {
  return withGateDatabase(host, ['birth_lane_reader', 'birth_lane_governance'], flags.json, async (db) => {
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
  return withGateDatabase(host, ['birth_lane_governance'], flags.json, async (db) => {
    const result = await flipBirthGate(db, { to: flags.to, approvalId: flags.approval, ...windows(flags) });
    // The lane owner cannot persist the mode: a missing privilege (77) with the GRANT to run, not
    // an unmet health criterion (1).
    const ownerCannotSet = result.criteria.some((each) => each.id === 'owner_can_set_mode' && !each.met);
    const code =
      result.outcome === 'flipped'
        ? EXIT_CODES.completed
        : ownerCannotSet
          ? EXIT_CODES.noPermission
          : EXIT_CODES.failed;
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
