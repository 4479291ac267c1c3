import { z } from 'zod';

/** The three ordered inspection stages. Order matters: a later stamp never precedes an earlier one. */
export const INSPECT_STAGES = ['pen', 'stamp', 'gate'] as const;
export const inspectStageSchema = z.enum(INSPECT_STAGES);
export type InspectStage = z.infer<typeof inspectStageSchema>;

/** Each stage writes exactly one column, and only that one. */
export const STAMP_COLUMNS = {
  pen: 'inspect_pen',
  stamp: 'inspect_stamp',
  gate: 'inspect_gate',
} as const satisfies Record<InspectStage, string>;
export type StampColumn = (typeof STAMP_COLUMNS)[InspectStage];

/**
 * `none` no stamp; `partial` a valid prefix (PEN, or PEN+STAMP); `complete` all three in order;
 * `ambiguous` anything else (a later stamp without an earlier one, or stamps out of time order).
 * Ambiguous rows are never continued and never certified.
 */
export const INSPECT_STATES = ['none', 'partial', 'complete', 'ambiguous'] as const;
export const inspectStateSchema = z.enum(INSPECT_STATES);
export type InspectState = z.infer<typeof inspectStateSchema>;

/** The three stamp slots of one row. */
export interface StampSlots {
  readonly inspect_pen: Date | null;
  readonly inspect_stamp: Date | null;
  readonly inspect_gate: Date | null;
}

export const inspectClassificationSchema = z.object({
  state: inspectStateSchema,
  /** Stable reason code, e.g. `no_stamps`, `gate_without_stamp`, `stamp_before_pen`. */
  reason: z.string().min(1),
  /** The stage a producer may evaluate next; null when complete or ambiguous. */
  nextStage: inspectStageSchema.nullable(),
});
export type InspectClassification = z.infer<typeof inspectClassificationSchema>;
