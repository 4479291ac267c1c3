/**
 * The NOTIFY channel on which the birth block's `trg_birth_announce` announces every birth (one
 * notification per inserted registry row, payload the row id as text) and on which a listening
 * producer channel waits: the wire protocol between the two, named once, here. The birth block's
 * SQL spells the same name (its test checks they agree).
 */
export const BIRTH_NOTIFY_CHANNEL = 'birth_lane_birth';
