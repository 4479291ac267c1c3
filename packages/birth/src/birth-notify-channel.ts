/**
 * The LISTEN/NOTIFY channel on which `trg_birth_announce` announces every birth, one notification
 * per inserted registry row, payload the row id as text. Keep in step with sql/0001_birth.sql.
 */
export const BIRTH_NOTIFY_CHANNEL = 'birth_lane_birth';
