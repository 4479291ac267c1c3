import { parseOrThrow, type Queryable, registryIdSchema } from '@birth-lane/contract';
import { z } from 'zod';
import { SELECT_GATE_FLIP_CRITERIA_SQL } from './sql/flip-birth-gate.js';

/** The criteria of a flip to `block`, in the order the database measures them. */
export const FLIP_CRITERIA = [
  'owner_can_set_mode',
  'pen_judgement',
  'standing_producer',
  'runs_succeeded',
  'backlog_not_growing',
  'approval',
] as const;

export const flipCriterionSchema = z.strictObject({
  id: z.enum(FLIP_CRITERIA),
  met: z.boolean(),
  measured: z.string(),
  required: z.string(),
});
export type FlipCriterion = z.infer<typeof flipCriterionSchema>;

/** The windows the criteria are measured over, in seconds; the database bounds them too. */
export const flipWindowsSchema = z.strictObject({
  heartbeatWindowSeconds: z
    .number()
    .min(10, 'must be at least 10 seconds')
    .max(3600, 'must be at most 3600 seconds (1 hour)')
    .default(300),
  // The database's minimum (birth_lane.gate_flip_min_health_window): longer, never shorter.
  healthWindowSeconds: z
    .number()
    .min(3600, 'must be at least 3600 seconds (1 hour), the server’s minimum')
    .max(604_800, 'must be at most 604800 seconds (7 days)')
    .default(3600),
});
export type FlipWindows = z.input<typeof flipWindowsSchema>;

export const flipCriteriaOptionsSchema = flipWindowsSchema.extend({
  approvalId: registryIdSchema.optional(),
});
export type FlipCriteriaOptions = z.input<typeof flipCriteriaOptionsSchema>;

export interface FlipCriteriaReading {
  readonly criteria: readonly FlipCriterion[];
  /** The scope a gate_flip approval must name for this database. */
  readonly approvalScope: Record<string, unknown>;
}

/** The flip criteria as the database measures them now (birth_lane.gate_flip_criteria); flips nothing. */
export async function readFlipCriteria(
  db: Queryable,
  options: FlipCriteriaOptions = {},
): Promise<FlipCriteriaReading> {
  const parsed = parseOrThrow(flipCriteriaOptionsSchema, options, 'gate flip criteria options');
  const { rows } = await db.query<{ criteria: unknown; scope: Record<string, unknown> }>(
    SELECT_GATE_FLIP_CRITERIA_SQL,
    [parsed.approvalId ?? null, parsed.heartbeatWindowSeconds, parsed.healthWindowSeconds],
  );
  return {
    criteria: z.array(flipCriterionSchema).parse(rows[0]!.criteria),
    approvalScope: rows[0]!.scope,
  };
}
