/** Names of the database objects this block installs, for callers that check or document them. */
export const CERTIFY_TRIGGER = 'trg_birth_auto_certify';
/** The same function also guards INSERTs, through this second trigger. */
export const CERTIFIED_INSERT_GUARD_TRIGGER = 'trg_birth_certified_insert_guard';
export const CERTIFY_FUNCTION = 'birth_lane.fn_birth_auto_certify';
export const PROMOTE_FUNCTION = 'birth_lane.promote';
export const CANONICAL_COLLECTIONS_TABLE = 'birth_lane.canonical_collections';
/** Private to the promote function: the pass the guard checks during an approved promotion. */
export const PROMOTION_PASS_TABLE = 'birth_lane.promotion_in_progress';
/** The proposer written on promotion requests the consumer raises for canonical rows. */
export const PROMOTION_PROPOSER = 'birth_lane.certify_consumer';

/** Columns no statement may change outside an approved promotion; `status` joins them once a row is certified. */
export const GUARDED_COLUMNS = [
  'certified',
  'certified_at',
  'canonical_address',
  'owner',
  'jsonb_profile',
] as const;
export type GuardedColumn = (typeof GUARDED_COLUMNS)[number];
