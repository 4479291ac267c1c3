import { z } from 'zod';
import { approvalActionSchema, approvalScopeSchema, riskSchema, voteSchema } from './approval.js';
import { rowIdSchema } from './registry-row.js';

/** What `birth_lane.approval_status(id)` returns: the request, its votes and whether it approves now. */
export const approvalStatusSchema = z.object({
  id: rowIdSchema,
  action: approvalActionSchema,
  scope: approvalScopeSchema,
  risk: riskSchema,
  minimumRisk: riskSchema,
  proposer: z.string().min(1),
  reason: z.string(),
  createdAt: z.coerce.date(),
  expiresAt: z.coerce.date(),
  expired: z.boolean(),
  usedAt: z.coerce.date().nullable(),
  usedBy: z.string().nullable(),
  /** True only while the request is open, unused and its votes meet quorum. */
  quorumMet: z.boolean(),
  /** What is still needed, e.g. `1 president approval`; empty when quorumMet. */
  missing: z.array(z.string()),
  counted: z.object({
    president: z.number().int(),
    aiCouncil: z.number().int(),
    approvals: z.number().int(),
    rejects: z.number().int(),
  }),
  votes: z.array(voteSchema.omit({ requestId: true })),
});
export type ApprovalStatus = z.output<typeof approvalStatusSchema>;
