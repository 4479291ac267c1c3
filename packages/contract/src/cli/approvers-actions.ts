import {
  APPROVER_DATABASE_ROLES,
  APPROVER_ROLES,
  type ApproverRole,
  approverRoleSchema,
} from '../approval.js';
import { BirthLaneError, ValidationError } from '../errors.js';
import { EXIT_CODES } from '../exit-codes.js';
import { type ApproverRow, FIND_LOGIN_SQL, LIST_APPROVERS_SQL } from '../sql/list-approvers.js';
import { quoteIdentifier } from '../sql-identifier.js';
import type { CommandHost } from './command-host.js';
import { withDatabase } from './with-database.js';

/** The work of `birth-lane approvers …` (see approvers-command.ts); each returns the exit code. */

export async function listApprovers(host: CommandHost, flags: { json?: boolean }): Promise<number> {
  return withDatabase(host, async (db) => {
    const { rows } = await db.query<ApproverRow>(LIST_APPROVERS_SQL, [
      APPROVER_ROLES,
      APPROVER_ROLES.map((role) => APPROVER_DATABASE_ROLES[role]),
    ]);
    const approversByRole = rows.filter((row) => !row.superuser);
    const superusers = [...new Set(rows.filter((row) => row.superuser).map((row) => row.login))];
    if (flags.json) {
      process.stdout.write(
        `${JSON.stringify({ approvers: approversByRole.map(({ login, role }) => ({ login, role })), superusers })}\n`,
      );
    } else {
      for (const role of APPROVER_ROLES) {
        const logins = approversByRole.filter((row) => row.role === role).map((row) => row.login);
        process.stdout.write(`${role.padEnd(11)} ${logins.length > 0 ? logins.join(', ') : '(none)'}\n`);
      }
      if (superusers.length > 0) {
        process.stdout.write(`superusers (may vote in any role): ${superusers.join(', ')}\n`);
      }
    }
    return EXIT_CODES.completed;
  });
}

export async function changeApproverMembership(
  host: CommandHost,
  verb: 'grant' | 'revoke',
  login: string,
  flags: { as: string; json?: boolean },
): Promise<number> {
  const role = parseRole(flags.as, `approvers ${verb}`);
  return withDatabase(host, async (db) => {
    const { rows } = await db.query<{ can_login: boolean }>(FIND_LOGIN_SQL, [login]);
    if (!rows[0]) {
      throw new ValidationError(`approvers ${verb}`, [
        {
          field: '<login>',
          rule: 'exists',
          message: `no database role named "${login}"; create the login first`,
        },
      ]);
    }
    if (!rows[0].can_login) {
      throw new ValidationError(`approvers ${verb}`, [
        {
          field: '<login>',
          rule: 'login',
          message: `"${login}" cannot log in; approvers are people's own logins`,
        },
      ]);
    }
    const databaseRole = APPROVER_DATABASE_ROLES[role];
    const statement =
      verb === 'grant'
        ? `grant ${quoteIdentifier(databaseRole)} to ${quoteIdentifier(login)}`
        : `revoke ${quoteIdentifier(databaseRole)} from ${quoteIdentifier(login)}`;
    try {
      await db.query(statement);
    } catch (error) {
      throw new BirthLaneError(
        'FORBIDDEN_ACTION',
        `${statement} was refused: ${(error as Error).message}. Run it as an administrator (CREATEROLE, or ADMIN OPTION on ${databaseRole}).`,
        { cause: error },
      );
    }
    if (flags.json)
      process.stdout.write(
        `${JSON.stringify({ login, role, databaseRole, [verb === 'grant' ? 'granted' : 'revoked']: true })}\n`,
      );
    else
      process.stdout.write(
        `${verb === 'grant' ? 'granted' : 'revoked'} ${role} (${databaseRole}) ${verb === 'grant' ? 'to' : 'from'} ${login}\n`,
      );
    return EXIT_CODES.completed;
  });
}

function parseRole(value: string, subject: string): ApproverRole {
  const parsed = approverRoleSchema.safeParse(value);
  if (!parsed.success) {
    throw new ValidationError(subject, [
      { field: '--as', rule: 'one_of', message: `must be president, ai_council or approver, got "${value}"` },
    ]);
  }
  return parsed.data;
}
