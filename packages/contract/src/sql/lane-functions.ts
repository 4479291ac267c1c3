/**
 * The facts a lane-wide reading needs from blocks other than the contract, met only through the
 * SQL functions those blocks install for every query (never their TypeScript):
 *  - the inspect contract's `birth_lane.inspect_state` / `inspect_reason`, plain immutable SQL
 *    functions generated from its rule table, which the planner inlines into the calling query;
 *  - the certify consumer's `birth_lane.canonical_collection_list()`, the canonical collections'
 *    keys compiled into a function body, and `canonical_collection_key(name)`, the key of a name.
 * Each takes SQL text (a registry row's alias, a column), never a value.
 */
export const inspectStateOf = (row: string) =>
  `birth_lane.inspect_state(${row}.inspect_pen, ${row}.inspect_stamp, ${row}.inspect_gate)`;

export const inspectReasonOf = (row: string) =>
  `birth_lane.inspect_reason(${row}.inspect_pen, ${row}.inspect_stamp, ${row}.inspect_gate)`;

// Compared by the name's key, as the certify trigger compares it: `Kernel ` and `kernel` are one
// collection to the trigger, so they are one to every reading too.
export const isCanonicalCollection = (name: string) =>
  `coalesce(birth_lane.canonical_collection_key(${name}) = any (birth_lane.canonical_collection_list()), false)`;
