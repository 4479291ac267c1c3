import {
  type ApprovalRequestInput,
  type ApproverRole,
  approvalRequestInputSchema,
  approverRoleSchema,
  type VoteDecision,
} from '../approval.js';
import { ValidationError } from '../errors.js';
import { parseOrThrow } from '../parse.js';
import { rowIdSchema } from '../registry-row.js';

/** The flag each field of an approval request comes from, so an error names what the user typed. */
const REQUEST_FLAGS: Record<string, string> = {
  action: '--action',
  scope: '--scope',
  risk: '--risk',
  reason: '--reason',
  expiresInSeconds: '--expires-in',
};

const EXPIRY_UNITS = { m: 60, h: 3600, d: 86_400 } as const;

/** `--expires-in 7d`, `12h` or `90m` in seconds; the bounds (1 minute to 30 days) are the schema's. */
export function parseExpiresIn(value: string): number {
  const match = /^([0-9]{1,6})([mhd])$/.exec(value.trim());
  if (!match) {
    throw new ValidationError('approvals request', [
      {
        field: '--expires-in',
        rule: 'duration',
        message: `must be a number and m, h or d (e.g. 7d), got "${value}"`,
      },
    ]);
  }
  return Number(match[1]) * EXPIRY_UNITS[match[2] as keyof typeof EXPIRY_UNITS];
}

export interface RequestFlags {
  action?: string;
  scope?: string;
  risk?: string;
  reason?: string;
  expiresIn?: string;
}

/** The flags of `approvals request` as a validated request; errors name the flag and the rule. */
export function parseRequestFlags(flags: RequestFlags): ApprovalRequestInput {
  // The database refuses it too (birth_lane.request_approval); say so before connecting.
  if (flags.action?.trim() === 'promotion') {
    throw new ValidationError('approvals request', [
      {
        field: '--action',
        rule: 'promotion_filed_by_lane',
        message:
          "promotion requests are filed only by the certify consumer, when a canonical row's stamps complete; " +
          'vote on that request (`birth-lane approvals list --open`), or re-file lapsed ones with ' +
          '`birth-lane approvals refile-promotions`',
      },
    ]);
  }
  let scope: unknown = flags.scope;
  if (flags.scope !== undefined) {
    try {
      scope = JSON.parse(flags.scope);
    } catch {
      throw new ValidationError('approvals request', [
        { field: '--scope', rule: 'json', message: `must be a JSON object such as '{"rowId":"42"}'` },
      ]);
    }
  }
  const input = {
    action: flags.action,
    scope,
    risk: flags.risk,
    reason: flags.reason,
    expiresInSeconds: flags.expiresIn === undefined ? undefined : parseExpiresIn(flags.expiresIn),
  };
  try {
    return parseOrThrow(approvalRequestInputSchema, input, 'approvals request');
  } catch (error) {
    if (!ValidationError.isInstance(error)) throw error;
    throw new ValidationError(
      'approvals request',
      error.issues.map((issue) => {
        const [field = '', ...rest] = issue.field.split('.');
        const flag = REQUEST_FLAGS[field] ?? issue.field;
        return { ...issue, field: rest.length > 0 ? `${flag} (${rest.join('.')})` : flag };
      }),
      { cause: error },
    );
  }
}

export interface VoteFlags {
  approve?: boolean;
  reject?: boolean;
  comment?: string;
  as?: string;
}

/** `approvals vote <id> --approve|--reject [--comment] [--as ROLE]`, validated. */
export function parseVoteFlags(
  id: string,
  flags: VoteFlags,
): { requestId: string; decision: VoteDecision; comment?: string; role?: ApproverRole } {
  const issues: { field: string; rule: string; message: string }[] = [];
  const requestId = rowIdSchema.safeParse(id);
  if (!requestId.success)
    issues.push({ field: '<id>', rule: 'row_id', message: `must be a request id, got "${id}"` });
  if (flags.approve === flags.reject) {
    issues.push({
      field: '--approve/--reject',
      rule: 'exactly_one',
      message: 'give exactly one of --approve and --reject',
    });
  }
  const role = flags.as === undefined ? undefined : approverRoleSchema.safeParse(flags.as);
  if (role && !role.success) {
    issues.push({
      field: '--as',
      rule: 'one_of',
      message: `must be president, ai_council or approver, got "${flags.as}"`,
    });
  }
  if (flags.comment !== undefined && flags.comment.length > 4000) {
    issues.push({ field: '--comment', rule: 'max', message: 'must be at most 4000 characters' });
  }
  if (issues.length > 0) throw new ValidationError('approvals vote', issues);
  return {
    requestId: requestId.data!,
    decision: flags.approve ? 'approve' : 'reject',
    ...(flags.comment === undefined ? {} : { comment: flags.comment }),
    ...(role?.data === undefined ? {} : { role: role.data }),
  };
}

/** A request id given as `<id>`. */
export function parseRequestId(id: string, subject: string): string {
  const parsed = rowIdSchema.safeParse(id);
  if (!parsed.success) {
    throw new ValidationError(subject, [
      { field: '<id>', rule: 'row_id', message: `must be a request id, got "${id}"` },
    ]);
  }
  return parsed.data;
}
