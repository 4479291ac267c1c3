import {
  GATE_MODES,
  gateModeSchema,
  parseOrThrow,
  type Queryable,
  registryIdSchema,
} from '@birth-lane/contract';
import { z } from 'zod';
import { flipCriterionSchema, flipWindowsSchema } from './flip-criteria.js';
import { FLIP_BIRTH_GATE_SQL } from './sql/flip-birth-gate.js';

export const flipGateInputSchema = flipWindowsSchema.extend({
  to: z.enum(GATE_MODES, { error: `must be one of ${GATE_MODES.join(', ')}` }),
  approvalId: registryIdSchema.optional(),
});
export type FlipGateInput = z.input<typeof flipGateInputSchema>;

/** What birth_lane.flip_birth_gate answered; the same document is on the evidence log (topic gate.flip). */
export const flipResultSchema = z.object({
  outcome: z.enum(['flipped', 'refused']),
  to: gateModeSchema,
  /** The mode persisted for the database before the flip (null: unset). */
  from: z.string().nullable(),
  database: z.string(),
  approvalRequestId: z.string().nullable(),
  /** Empty for a flip to warning, which needs no criteria. */
  criteria: z.array(flipCriterionSchema),
  heartbeatWindowSeconds: z.number(),
  healthWindowSeconds: z.number(),
  by: z.string(),
});
export type FlipResult = z.infer<typeof flipResultSchema>;

/**
 * Asks the database to flip the birth gate. The database measures the criteria, uses the approval
 * and runs ALTER DATABASE … SET itself; this only passes the request and parses the answer. A
 * refusal (criteria unmet) is a result, not an error: `outcome: 'refused'` with each criterion's
 * `met` and measured value, and it is on the evidence log. Invalid input throws ValidationError
 * before anything is sent; the database refuses what it finds invalid with BL001.
 */
export async function flipBirthGate(db: Queryable, input: FlipGateInput): Promise<FlipResult> {
  const parsed = parseOrThrow(flipGateInputSchema, input, 'gate flip');
  const { rows } = await db.query<{ result: unknown }>(FLIP_BIRTH_GATE_SQL, [
    parsed.to,
    parsed.approvalId ?? null,
    parsed.heartbeatWindowSeconds,
    parsed.healthWindowSeconds,
  ]);
  return flipResultSchema.parse(rows[0]!.result);
}
