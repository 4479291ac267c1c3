/**
 * The database surface through which the birth gate (B7) asks for the PEN judgement of a birth
 * without knowing the producer (B2): `birth_lane.birth_pen_failures(public.birth_registry)`
 * returns the ids of the active rule set's failed PEN checks for one registry row, in check order;
 * an empty array means PEN passes. The inspect producer compiles it from the active rule set at
 * activation; before any activation it does not exist, and the gate says so instead of guessing.
 */
export const BIRTH_PEN_FAILURES_FUNCTION = 'birth_lane.birth_pen_failures(public.birth_registry)';
