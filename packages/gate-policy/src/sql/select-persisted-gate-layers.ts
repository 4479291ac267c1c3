import { GATE_SETTINGS } from '@birth-lane/contract';

/**
 * Every persisted layer that holds a gate setting for this database: ALTER DATABASE … SET
 * (`database`), ALTER ROLE … SET (`role`), ALTER ROLE … IN DATABASE … SET (`database_role`) and
 * ALTER ROLE ALL SET (`all_roles`). pg_db_role_setting is readable by every role. Setting names
 * are compared lower-cased, as PostgreSQL compares them. A session's own SET is not here: no
 * catalog holds it.
 */
export const SELECT_PERSISTED_GATE_LAYERS_SQL = `select
       case when s.setdatabase = 0 and s.setrole = 0 then 'all_roles'
            when s.setrole = 0 then 'database'
            when s.setdatabase = 0 then 'role'
            else 'database_role' end as layer,
       r.rolname::text as role,
       lower(split_part(setting, '=', 1)) as setting,
       substr(setting, strpos(setting, '=') + 1) as value
  from pg_catalog.pg_db_role_setting s
 cross join lateral unnest(s.setconfig) as setting
  left join pg_catalog.pg_roles r on r.oid = s.setrole
 where (s.setdatabase = 0 or s.setdatabase = (select oid from pg_catalog.pg_database where datname = current_database()))
   and lower(split_part(setting, '=', 1)) in ('${GATE_SETTINGS.mode}', '${GATE_SETTINGS.bypass}')
 order by 1, 2 nulls first, 3`;
