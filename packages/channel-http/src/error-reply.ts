import type { ValidationIssue } from '@birth-lane/contract';
import type { FastifyReply } from 'fastify';

/**
 * Every error answer of the agent API is JSON of one shape: `{ error, message }`, plus `problems`
 * (field, rule, message each) when the request itself was wrong, plus whatever else helps the
 * client (`running` on a 409). The `error` codes are stable; clients branch on them.
 */
export interface ErrorBody {
  readonly error: string;
  readonly message: string;
  readonly problems?: readonly ValidationIssue[];
  readonly [extra: string]: unknown;
}

export function sendError(reply: FastifyReply, status: number, body: ErrorBody): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}
