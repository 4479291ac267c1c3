import { GATE_SETTINGS } from '../gate-mode.js';

/**
 * The gate settings persisted for this database and all roles (`ALTER DATABASE … SET`), as the
 * raw text PostgreSQL keeps: null when a setting is not persisted. A session may override them,
 * which no reader can see.
 */
export const SELECT_PERSISTED_GATE_SETTINGS_SQL = `select
       (select substr(setting, length('${GATE_SETTINGS.mode}=') + 1) from unnest(s.setconfig) as setting
         where setting like '${GATE_SETTINGS.mode}=%') as mode,
       (select substr(setting, length('${GATE_SETTINGS.bypass}=') + 1) from unnest(s.setconfig) as setting
         where setting like '${GATE_SETTINGS.bypass}=%') as bypass
  from pg_db_role_setting s
 where s.setdatabase = (select oid from pg_database where datname = current_database()) and s.setrole = 0`;
