import { DEFAULT_REFILE_LIMIT, refilePromotionRequests } from '@birth-lane/certify-consumer';
import {
  type ApprovalStatus,
  BirthLaneError,
  EXIT_CODES,
  PostgresApprovalGate,
  type Queryable,
  SQLSTATE,
  sqlStateOf,
  ValidationError,
} from '@birth-lane/contract';
import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { openDatabase } from '../database/open-database.js';
import {
  parseRequestFlags,
  parseRequestId,
  parseVoteFlags,
  type RequestFlags,
  type VoteFlags,
} from './approval-flags.js';

/**
 * `birth-lane approvals request|vote|show|list|refile-promotions`. Whoever DATABASE_URL logs in as is the proposer
 * or the voter: the database takes the name from the login (session_user), never from a flag.
 */
export function registerApprovalsCommand(program: Command): void {
  const approvals = program
    .command('approvals')
    .description('approval requests and votes (S1): propose, vote as your own login, show, list');

  approvals
    .command('request')
    .description(
      'propose an action on a scope; you (the DATABASE_URL login) are the proposer and cannot vote on it',
    )
    .requiredOption(
      '--action <action>',
      'backlog_pass, gate_flip, stamp_materialisation, install_step or rule_set_activation ' +
        '(promotion requests are filed by the certify consumer; see refile-promotions)',
    )
    .requiredOption('--scope <json>', 'what exactly is approved, a JSON object, e.g. \'{"rowId":"42"}\'')
    .requiredOption('--risk <risk>', 'low, medium or high; not below the action minimum')
    .requiredOption('--reason <text>', 'why')
    .option(
      '--expires-in <duration>',
      'how long the request stays open: 90m, 12h, 7d (1 minute to 30 days)',
      '7d',
    )
    .option('--json', 'print the request as JSON (with its id)')
    .action(async (options: RequestFlags & { json?: boolean }) => {
      const input = parseRequestFlags(options);
      process.exitCode = await withGate(async (gate) => {
        const request = await gate.propose(input);
        const status = (await gate.status(request.id))!;
        if (options.json) process.stdout.write(`${JSON.stringify(status)}\n`);
        else {
          process.stdout.write(
            `approval request ${request.id} filed by ${request.proposer}: ${request.action} ${JSON.stringify(request.scope)} ` +
              `at ${request.risk} risk, open until ${request.expiresAt.toISOString()}.\n` +
              `needs: ${status.missing.join(', ')}. Approvers vote with \`birth-lane approvals vote ${request.id} --approve\`.\n`,
          );
        }
        return EXIT_CODES.completed;
      });
    });

  approvals
    .command('vote <id>')
    .description('vote on a request as your own login, in an approver role it holds (default: the strongest)')
    .option('--approve', 'approve the request')
    .option('--reject', 'reject it (a reject stands until the request closes; it cannot be withdrawn)')
    .option('--comment <text>', 'a comment recorded with the vote')
    .option('--as <role>', 'the approver role to vote in: president, ai_council or approver')
    .option('--json', 'print the request after the vote as JSON')
    .action(async (id: string, options: VoteFlags & { json?: boolean }) => {
      const vote = parseVoteFlags(id, options);
      process.exitCode = await withGate(async (gate) => {
        const voteId = await gate.vote(vote);
        const status = (await gate.status(vote.requestId))!;
        if (options.json) process.stdout.write(`${JSON.stringify({ voteId, ...status })}\n`);
        else {
          const cast = status.votes.find((stored) => stored.id === voteId);
          process.stdout.write(
            `vote ${voteId} recorded: ${cast?.voter} ${vote.decision}s request ${vote.requestId} as ${cast?.role}.\n` +
              `${quorumLine(status)}\n`,
          );
        }
        return EXIT_CODES.completed;
      });
    });

  approvals
    .command('show <id>')
    .description('a request, its votes, whether it meets quorum now and what is still missing')
    .option('--json', 'print as JSON: quorumMet, missing, votes, expiresAt, usedAt, ...')
    .action(async (id: string, options: { json?: boolean }) => {
      const requestId = parseRequestId(id, 'approvals show');
      process.exitCode = await withGate(async (gate) => {
        const status = await gate.status(requestId);
        if (!status)
          throw new BirthLaneError('VALIDATION_FAILED', `no approval request with id ${requestId}`);
        process.stdout.write(options.json ? `${JSON.stringify(status)}\n` : formatStatus(status));
        return EXIT_CODES.completed;
      });
    });

  approvals
    .command('refile-promotions')
    .description(
      'file a fresh promotion request for each canonical row ready for one whose request lapsed (needs birth_lane_governance)',
    )
    .option('--limit <n>', 'at most this many rows (1 to 100000)', String(DEFAULT_REFILE_LIMIT))
    .option('--json', 'print {"filed": n} as JSON')
    .action(async (options: { limit: string; json?: boolean }) => {
      const limit = parseLimit(options.limit);
      process.exitCode = await withDatabase(async (db) => {
        const filed = await refilePromotionRequests(db, { limit });
        if (options.json) process.stdout.write(`${JSON.stringify({ filed })}\n`);
        else
          process.stdout.write(
            filed === 0
              ? 'no promotion request to re-file: every canonical row ready for promotion has an open request\n'
              : `${filed} promotion request(s) filed by the certify consumer; see \`birth-lane approvals list --open\`\n`,
          );
        return EXIT_CODES.completed;
      });
    });

  approvals
    .command('list')
    .description('approval requests, newest first (at most 200)')
    .option('--open', 'only requests that are neither expired nor used')
    .option('--json', 'print as a JSON array')
    .action(async (options: { open?: boolean; json?: boolean }) => {
      process.exitCode = await withDatabase(async (db) => {
        const requests = await listRequests(db, options.open === true);
        if (options.json) process.stdout.write(`${JSON.stringify(requests)}\n`);
        else if (requests.length === 0)
          process.stdout.write(options.open ? 'no open approval requests\n' : 'no approval requests\n');
        else {
          for (const request of requests) {
            const state = request.usedAt
              ? 'used'
              : request.expired
                ? 'expired'
                : request.quorumMet
                  ? 'approved'
                  : 'open';
            process.stdout.write(
              `${request.id.padStart(6)}  ${state.padEnd(8)} ${request.action} ${JSON.stringify(request.scope)} ` +
                `(${request.risk}) by ${request.proposer}, expires ${request.expiresAt}\n`,
            );
          }
        }
        return EXIT_CODES.completed;
      });
    });
}

function parseLimit(value: string): number {
  const limit = /^[0-9]{1,6}$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) {
    throw new ValidationError('approvals refile-promotions', [
      { field: '--limit', rule: 'range', message: `must be a whole number from 1 to 100000, got "${value}"` },
    ]);
  }
  return limit;
}

interface ListedRequest {
  id: string;
  action: string;
  scope: unknown;
  risk: string;
  proposer: string;
  createdAt: string;
  expiresAt: string;
  expired: boolean;
  usedAt: string | null;
  quorumMet: boolean;
}

async function listRequests(db: Queryable, openOnly: boolean): Promise<ListedRequest[]> {
  const { rows } = await db.query<ListedRequest>(
    `select request.id::text as "id", request.action, request.scope, request.risk, request.proposer,
            request.created_at as "createdAt", request.expires_at as "expiresAt",
            request.expires_at <= now() as "expired", used.used_at as "usedAt",
            birth_lane.approval_quorum_met(request.id) as "quorumMet"
       from birth_lane.approval_requests request
       left join birth_lane.approval_uses used on used.request_id = request.id
      where not $1::boolean or (request.expires_at > now() and used.request_id is null)
      order by request.id desc
      limit 200`,
    [openOnly],
  );
  return rows;
}

function quorumLine(status: ApprovalStatus): string {
  return status.quorumMet
    ? `quorum met: request ${status.id} approves ${status.action} on ${JSON.stringify(status.scope)} (once).`
    : `quorum not met: still needs ${status.missing.join(', ')}.`;
}

function formatStatus(status: ApprovalStatus): string {
  const lines = [
    `approval request ${status.id}: ${status.action} ${JSON.stringify(status.scope)} at ${status.risk} risk (minimum ${status.minimumRisk})`,
    `proposed by ${status.proposer} at ${status.createdAt.toISOString()}; ${status.expired ? 'expired' : 'open until'} ${status.expiresAt.toISOString()}`,
    `reason: ${status.reason}`,
    quorumLine(status),
    status.usedAt ? `used at ${status.usedAt.toISOString()} by ${status.usedBy}` : 'not used yet',
    `votes (${status.votes.length}):`,
    ...status.votes.map(
      (vote) =>
        `  #${vote.id} ${vote.castAt.toISOString()} ${vote.voter} as ${vote.role}: ${vote.decision}` +
        `${vote.comment ? ` (${vote.comment})` : ''}`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

async function withDatabase(work: (db: Queryable) => Promise<number>): Promise<number> {
  const database = await openDatabase(loadConfig(), { poolSize: 2 });
  try {
    return await work(database.pool);
  } catch (error) {
    // A login without a lane role: say which roles open the approvals, not a stack trace.
    if (sqlStateOf(error) !== SQLSTATE.insufficientPrivilege) throw error;
    throw new BirthLaneError(
      'FORBIDDEN_ACTION',
      `${(error as Error).message}: the login needs birth_lane_governance (to propose), an approver role ` +
        '(birth_lane_president, birth_lane_ai_council or birth_lane_approver, to vote) or birth_lane_reader (to read)',
      { cause: error },
    );
  } finally {
    await database.close();
  }
}

const withGate = (work: (gate: PostgresApprovalGate) => Promise<number>) =>
  withDatabase((db) => work(new PostgresApprovalGate(db)));
