import {
  GATE_MODES,
  GATE_SETTINGS,
  type GateMode,
  gateModeSchema,
  type Queryable,
} from '@birth-lane/contract';
import { z } from 'zod';
import { SELECT_PERSISTED_GATE_LAYERS_SQL } from './sql/select-persisted-gate-layers.js';

/** Where a persisted gate setting lives, strongest first (PostgreSQL applies them in this order). */
export const PERSISTED_LAYERS = ['database_role', 'role', 'database', 'all_roles'] as const;
export type PersistedLayer = (typeof PERSISTED_LAYERS)[number];

/** Said with every reading (CAV-5): the reading is of the persisted layers only. */
export const SESSION_CAVEAT =
  'a session may override the persisted setting (SET app.birth_gate_mode / app.bypass_birth_gate); this reading cannot see a session override and does not claim there is none; the birth gate itself ignores a session override and decides by these persisted settings for the minting login';

const rowSchema = z.strictObject({
  layer: z.enum(PERSISTED_LAYERS),
  role: z.string().nullable(),
  setting: z.enum([GATE_SETTINGS.mode, GATE_SETTINGS.bypass]),
  value: z.string(),
});

/** One persisted gate setting: its layer, the role it applies to (null: every role) and its raw value. */
export interface PersistedGateSetting {
  readonly layer: PersistedLayer;
  readonly role: string | null;
  readonly setting: string;
  readonly value: string;
  /** Why the gate would not understand `value` and what it does then; absent when the value is valid ('' mode = unset). */
  readonly problem?: string;
}

export interface LayeredValue<T> {
  /** The persisted value; null (mode) or false (bypass) when no layer holds it. */
  readonly value: T;
  /** The layer it came from, or `unset`. */
  readonly layer: PersistedLayer | 'unset';
}

export interface PersistedGateLayers {
  /** Whose logins the `mode` and `bypass` apply to: a role name, or null for a login with no role settings. */
  readonly forRole: string | null;
  readonly mode: LayeredValue<GateMode | null>;
  readonly bypass: LayeredValue<boolean>;
  /** Every persisted gate setting for this database (all layers, all roles). */
  readonly settings: readonly PersistedGateSetting[];
  /** What a person should look at: a persisted bypass, a role that persists another mode, a malformed value. */
  readonly risks: readonly string[];
  readonly caveat: typeof SESSION_CAVEAT;
}

// PostgreSQL's own spellings of a boolean setting.
const TRUE_WORDS = new Set(['on', 'true', 'yes', '1']);
const FALSE_WORDS = new Set(['off', 'false', 'no', '0']);

// As the gate reads them: a mode of '' is unset (warning); a bypass that is not a true word is no bypass.
function problemOf(setting: string, value: string): string | undefined {
  if (setting === GATE_SETTINGS.mode)
    return value === '' || gateModeSchema.safeParse(value).success
      ? undefined
      : `must be one of ${GATE_MODES.join(', ')}; while in effect the gate refuses births that fail PEN`;
  const word = value.trim().toLowerCase();
  return TRUE_WORDS.has(word) || FALSE_WORDS.has(word)
    ? undefined
    : 'must be a boolean (on or off); the gate ignores it: no bypass';
}

/** The strongest layer holding `setting` for a login of `role` (null: a login with no role settings). */
function strongest(
  settings: readonly PersistedGateSetting[],
  setting: string,
  role: string | null,
): PersistedGateSetting | undefined {
  return PERSISTED_LAYERS.map((layer) =>
    settings.find(
      (each) =>
        each.setting === setting &&
        each.layer === layer &&
        (layer === 'database' || layer === 'all_roles' || (role !== null && each.role === role)),
    ),
  ).find((each) => each !== undefined);
}

/**
 * The birth gate as persisted in every layer PostgreSQL keeps (database, role, role in database,
 * all roles), and the value a new session of `forRole` starts with, with the layer it came from.
 * A session may then override it; this reader cannot see that, and says so. A value the gate
 * would not understand is listed with its problem, and reported as a risk (the gate refuses
 * births while it is in effect); a row the catalog query returns in an unexpected shape is a
 * reader bug and throws.
 */
export async function readPersistedGateLayers(
  db: Queryable,
  options: { forRole?: string | null } = {},
): Promise<PersistedGateLayers> {
  const { rows } = await db.query(SELECT_PERSISTED_GATE_LAYERS_SQL);
  const settings: PersistedGateSetting[] = rows.map((row) => {
    const parsed = rowSchema.parse(row);
    const problem = problemOf(parsed.setting, parsed.value);
    return problem === undefined ? parsed : { ...parsed, problem };
  });
  const forRole = options.forRole ?? null;
  const modeSetting = strongest(settings, GATE_SETTINGS.mode, forRole);
  const bypassSetting = strongest(settings, GATE_SETTINGS.bypass, forRole);
  const mode =
    modeSetting && !modeSetting.problem && modeSetting.value !== '' ? (modeSetting.value as GateMode) : null;
  const bypass = bypassSetting !== undefined && TRUE_WORDS.has(bypassSetting.value.trim().toLowerCase());

  const risks: string[] = [];
  for (const each of settings) {
    const where = each.role === null ? `layer ${each.layer}` : `layer ${each.layer} for role ${each.role}`;
    if (each.problem) risks.push(`${each.setting} = '${each.value}' (${where}) ${each.problem}`);
    else if (each.setting === GATE_SETTINGS.mode && each.value === '')
      risks.push(
        `${GATE_SETTINGS.mode} = '' is persisted ${where}: read as unset, its logins run in warning whatever a weaker layer says`,
      );
    else if (each.setting === GATE_SETTINGS.bypass && TRUE_WORDS.has(each.value.trim().toLowerCase()))
      risks.push(`${GATE_SETTINGS.bypass} is persisted on (${where}): births there skip the gate`);
    else if (each.setting === GATE_SETTINGS.mode && each.role !== null)
      risks.push(
        `${GATE_SETTINGS.mode} = ${each.value} is persisted ${where}: its logins do not follow the database's mode`,
      );
  }
  return {
    forRole,
    mode: { value: mode, layer: modeSetting?.layer ?? 'unset' },
    bypass: { value: bypass, layer: bypassSetting?.layer ?? 'unset' },
    settings,
    risks,
    caveat: SESSION_CAVEAT,
  };
}
