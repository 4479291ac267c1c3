import { z } from 'zod';

/** `warning`: births that fail the gate are logged. `block`: they are refused. */
export const GATE_MODES = ['warning', 'block'] as const;
export const gateModeSchema = z.enum(GATE_MODES);
export type GateMode = z.infer<typeof gateModeSchema>;

/** The PostgreSQL custom settings that carry the birth gate. */
export const GATE_SETTINGS = {
  mode: 'app.birth_gate_mode',
  bypass: 'app.bypass_birth_gate',
} as const;

/**
 * The birth gate as read from the database. Only the persisted layer (database and role settings,
 * `pg_db_role_setting`) can be read reliably: any session may override it, so a reading always
 * says which layer it came from and never claims to know a session's override.
 */
export const gateReadingSchema = z.strictObject({
  mode: gateModeSchema.nullable(),
  bypass: z.boolean(),
  layer: z.enum(['database', 'role', 'database_role', 'unset']),
  caveat: z.literal('a session may override the persisted setting'),
});
export type GateReading = z.infer<typeof gateReadingSchema>;
