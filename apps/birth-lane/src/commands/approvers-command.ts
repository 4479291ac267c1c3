import {
  APPROVER_DATABASE_ROLES,
  APPROVER_ROLES,
  type ApproverRole,
  approverRoleSchema,
  BirthLaneError,
  EXIT_CODES,
  quoteIdentifier,
  ValidationError,
} from '@birth-lane/contract';
import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { openDatabase } from '../database/open-database.js';

/**
 * `birth-lane approvers grant|revoke|list`: an approver is a login that holds birth_lane_president,
 * birth_lane_ai_council or birth_lane_approver. Granting is an administrator's act (it needs
 * CREATEROLE or ADMIN OPTION on the role), done here as plain GRANT/REVOKE so the database keeps
 * the one record of who may vote in which role.
 */
export function registerApproversCommand(program: Command): void {
  const approvers = program
    .command('approvers')
    .description('who may vote on approvals, and in which role (database role memberships)');

  for (const verb of ['grant', 'revoke'] as const) {
    approvers
      .command(`${verb} <login>`)
      .description(
        verb === 'grant'
          ? 'make a login an approver in a role (run as an administrator)'
          : 'take an approver role away from a login (its past votes stay on record)',
      )
      .requiredOption('--as <role>', 'president, ai_council or approver')
      .option('--json', 'print the result as JSON')
      .action(async (login: string, options: { as: string; json?: boolean }) => {
        const role = parseRole(options.as, `approvers ${verb}`);
        process.exitCode = await changeMembership(verb, login, role, options.json === true);
      });
  }

  approvers
    .command('list')
    .description('logins holding each approver role (superusers, who can vote in any role, are listed apart)')
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean }) => {
      const database = await openDatabase(loadConfig(), { poolSize: 1 });
      try {
        const { rows } = await database.pool.query<{ login: string; role: ApproverRole; superuser: boolean }>(
          `select login.rolname as login, approver.role, login.rolsuper as superuser
             from pg_catalog.pg_roles login
             cross join unnest($1::text[], $2::text[]) as approver(role, database_role)
            where login.rolcanlogin and pg_catalog.pg_has_role(login.oid, approver.database_role, 'MEMBER')
            order by array_position($1::text[], approver.role), login.rolname`,
          [APPROVER_ROLES, APPROVER_ROLES.map((role) => APPROVER_DATABASE_ROLES[role])],
        );
        const approversByRole = rows.filter((row) => !row.superuser);
        const superusers = [...new Set(rows.filter((row) => row.superuser).map((row) => row.login))];
        if (options.json) {
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
        process.exitCode = EXIT_CODES.completed;
      } finally {
        await database.close();
      }
    });
}

async function changeMembership(
  verb: 'grant' | 'revoke',
  login: string,
  role: ApproverRole,
  json: boolean,
): Promise<number> {
  const database = await openDatabase(loadConfig(), { poolSize: 1 });
  try {
    const { rows } = await database.pool.query<{ can_login: boolean }>(
      'select rolcanlogin as can_login from pg_catalog.pg_roles where rolname = $1::text',
      [login],
    );
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
      await database.pool.query(statement);
    } catch (error) {
      throw new BirthLaneError(
        'FORBIDDEN_ACTION',
        `${statement} was refused: ${(error as Error).message}. Run it as an administrator (CREATEROLE, or ADMIN OPTION on ${databaseRole}).`,
        { cause: error },
      );
    }
    if (json)
      process.stdout.write(
        `${JSON.stringify({ login, role, databaseRole, [verb === 'grant' ? 'granted' : 'revoked']: true })}\n`,
      );
    else
      process.stdout.write(
        `${verb === 'grant' ? 'granted' : 'revoked'} ${role} (${databaseRole}) ${verb === 'grant' ? 'to' : 'from'} ${login}\n`,
      );
    return EXIT_CODES.completed;
  } finally {
    await database.close();
  }
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
