import {
  GATE_MODES,
  GATE_SETTINGS,
  type GateReading,
  gateModeSchema,
  gateReadingSchema,
} from '../gate-mode.js';
import type { Queryable } from '../ports/queryable.js';
import { SELECT_PERSISTED_GATE_SETTINGS_SQL } from '../sql/select-persisted-gate-settings.js';

/** A persisted setting whose value is not one the gate understands: reported, read as unset. */
export interface MalformedSetting {
  readonly setting: string;
  readonly value: string;
  readonly problem: string;
}

export interface GateSettingsOnRecord {
  readonly reading: GateReading;
  readonly malformed: readonly MalformedSetting[];
}

// PostgreSQL's own spellings of a boolean setting.
const TRUE_WORDS = new Set(['on', 'true', 'yes', '1']);
const FALSE_WORDS = new Set(['off', 'false', 'no', '0']);

/**
 * The birth gate as persisted for this database and all roles (`ALTER DATABASE … SET`), read
 * through the contract's gate schema. A value the gate would not understand (a superuser's typo)
 * is listed in `malformed` and read as unset, never a crash.
 */
export async function readGateSettings(db: Queryable): Promise<GateSettingsOnRecord> {
  const { rows } = await db.query<{ mode: string | null; bypass: string | null }>(
    SELECT_PERSISTED_GATE_SETTINGS_SQL,
  );
  const persisted = rows[0] ?? { mode: null, bypass: null };
  const malformed: MalformedSetting[] = [];
  // '' is what the gate reads as unset (warning): not malformed.
  const modeValue = persisted.mode === '' ? null : persisted.mode;
  const mode = modeValue === null ? null : (gateModeSchema.safeParse(modeValue).data ?? null);
  if (modeValue !== null && mode === null)
    malformed.push({
      setting: GATE_SETTINGS.mode,
      value: modeValue,
      problem: `must be one of ${GATE_MODES.join(', ')}`,
    });
  const bypassWord = persisted.bypass?.trim().toLowerCase() ?? null;
  const bypass =
    bypassWord === null
      ? null
      : TRUE_WORDS.has(bypassWord)
        ? true
        : FALSE_WORDS.has(bypassWord)
          ? false
          : null;
  if (persisted.bypass !== null && bypass === null)
    malformed.push({
      setting: GATE_SETTINGS.bypass,
      value: persisted.bypass,
      problem: 'must be a boolean (on or off); the gate ignores it: no bypass',
    });
  const reading = gateReadingSchema.parse({
    mode,
    bypass: bypass === true,
    layer: mode !== null || bypass !== null ? 'database' : 'unset',
    caveat: 'a session may override the persisted setting',
  });
  return { reading, malformed };
}
