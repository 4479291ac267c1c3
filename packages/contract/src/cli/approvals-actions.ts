import type { ApprovalStatus } from '../approval-status.js';
import { BirthLaneError, sqlStateOf } from '../errors.js';
import { EXIT_CODES } from '../exit-codes.js';
import type { Database } from '../ports/queryable.js';
import { PostgresApprovalGate } from '../postgres-approval-gate.js';
import { LIST_APPROVAL_REQUESTS_SQL, type ListedApprovalRequest } from '../sql/list-approval-requests.js';
import { SQLSTATE } from '../sqlstate.js';
import {
  parseRequestFlags,
  parseRequestId,
  parseVoteFlags,
  type RequestFlags,
  type VoteFlags,
} from './approval-flags.js';
import type { CommandHost } from './command-host.js';
import { withDatabase } from './with-database.js';

/** The work of `birth-lane approvals …` (see approvals-command.ts); each returns the exit code. */

export async function requestApproval(host: CommandHost, flags: RequestFlags & { json?: boolean }) {
  const input = parseRequestFlags(flags);
  return withGate(host, async (gate) => {
    const request = await gate.propose(input);
    const status = (await gate.status(request.id))!;
    if (flags.json) process.stdout.write(`${JSON.stringify(status)}\n`);
    else {
      process.stdout.write(
        `approval request ${request.id} filed by ${request.proposer}: ${request.action} ${JSON.stringify(request.scope)} ` +
          `at ${request.risk} risk, open until ${request.expiresAt.toISOString()}.\n` +
          `needs: ${status.missing.join(', ')}. Approvers vote with \`birth-lane approvals vote ${request.id} --approve\`.\n`,
      );
    }
    return EXIT_CODES.completed;
  });
}

export async function voteOnApproval(host: CommandHost, id: string, flags: VoteFlags & { json?: boolean }) {
  const vote = parseVoteFlags(id, flags);
  return withGate(host, async (gate) => {
    const voteId = await gate.vote(vote);
    const status = (await gate.status(vote.requestId))!;
    if (flags.json) process.stdout.write(`${JSON.stringify({ voteId, ...status })}\n`);
    else {
      const cast = status.votes.find((stored) => stored.id === voteId);
      process.stdout.write(
        `vote ${voteId} recorded: ${cast?.voter} ${vote.decision}s request ${vote.requestId} as ${cast?.role}.\n` +
          `${quorumLine(status)}\n`,
      );
    }
    return EXIT_CODES.completed;
  });
}

export async function showApproval(host: CommandHost, id: string, flags: { json?: boolean }) {
  const requestId = parseRequestId(id, 'approvals show');
  return withGate(host, async (gate) => {
    const status = await gate.status(requestId);
    if (!status) throw new BirthLaneError('VALIDATION_FAILED', `no approval request with id ${requestId}`);
    process.stdout.write(flags.json ? `${JSON.stringify(status)}\n` : formatStatus(status));
    return EXIT_CODES.completed;
  });
}

export async function listApprovals(host: CommandHost, flags: { open?: boolean; json?: boolean }) {
  return withApprovals(host, async (db) => {
    const { rows: requests } = await db.query<ListedApprovalRequest>(LIST_APPROVAL_REQUESTS_SQL, [
      flags.open === true,
    ]);
    if (flags.json) process.stdout.write(`${JSON.stringify(requests)}\n`);
    else if (requests.length === 0)
      process.stdout.write(flags.open ? 'no open approval requests\n' : 'no approval requests\n');
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

/** The host's database, with a login that holds no lane role told which roles open the approvals. */
async function withApprovals(host: CommandHost, work: (db: Database) => Promise<number>): Promise<number> {
  return withDatabase(host, async (db) => {
    try {
      return await work(db);
    } catch (error) {
      if (sqlStateOf(error) !== SQLSTATE.insufficientPrivilege) throw error;
      throw new BirthLaneError(
        'FORBIDDEN_ACTION',
        `${(error as Error).message}: the login needs birth_lane_governance (to propose), an approver role ` +
          '(birth_lane_president, birth_lane_ai_council or birth_lane_approver, to vote) or birth_lane_reader (to read)',
        { cause: error },
      );
    }
  });
}

const withGate = (host: CommandHost, work: (gate: PostgresApprovalGate) => Promise<number>) =>
  withApprovals(host, (db) => work(new PostgresApprovalGate(db)));
