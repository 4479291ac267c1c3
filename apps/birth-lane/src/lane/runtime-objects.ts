/**
 * Catalog objects the lane's governed operations create or replace after install, so `install
 * verify` lists their changes instead of failing on them. Each is named by the operation that
 * owns it; anything else that changed since the last apply fails verify.
 */
export const RUNTIME_OBJECTS: readonly string[] = [
  // An approved rule-set activation compiles the inspection and the gate's PEN judgement.
  'function:birth_lane.inspect_batch(uuid,bigint,bigint,integer)',
  'function:birth_lane.compiled_rule_set()',
  'function:birth_lane.birth_pen_failures(public.birth_registry)',
  'grant:function:birth_lane.birth_pen_failures(public.birth_registry):PUBLIC:EXECUTE',
  // `canonical set` rewrites the list of canonical collections.
  'function:birth_lane.canonical_collection_list()',
  // `start`'s demo seeding keeps its resume marker here (the embedded demo database only).
  'table:birth_lane.demo_seed',
];
