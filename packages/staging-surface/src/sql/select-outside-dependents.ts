/**
 * Objects outside the surface schema ($1) that depend on something inside it: a view over a
 * surface table, a foreign key to one, a trigger calling a surface function. DROP SCHEMA … CASCADE
 * would drop them too (PostgreSQL does not ask whose they are), so a rehearsal's drop could remove
 * a production object; the drop refuses instead. The dependent's schema is found per catalog; an
 * object of a kind not listed here counts as outside (fail closed).
 */
export const SELECT_OUTSIDE_DEPENDENTS_SQL = `
with surface as (select oid from pg_catalog.pg_namespace where nspname = $1::text),
inside as (
  select 'pg_catalog.pg_class'::regclass as classid, c.oid as objid from pg_catalog.pg_class c where c.relnamespace = (select oid from surface)
  union all select 'pg_catalog.pg_type'::regclass, t.oid from pg_catalog.pg_type t where t.typnamespace = (select oid from surface)
  union all select 'pg_catalog.pg_proc'::regclass, p.oid from pg_catalog.pg_proc p where p.pronamespace = (select oid from surface)
),
dependent as (
  select d.classid, d.objid, d.objsubid,
         case d.classid
           when 'pg_catalog.pg_class'::regclass then (select c.relnamespace from pg_catalog.pg_class c where c.oid = d.objid)
           when 'pg_catalog.pg_type'::regclass then (select t.typnamespace from pg_catalog.pg_type t where t.oid = d.objid)
           when 'pg_catalog.pg_proc'::regclass then (select p.pronamespace from pg_catalog.pg_proc p where p.oid = d.objid)
           when 'pg_catalog.pg_rewrite'::regclass then
             (select c.relnamespace from pg_catalog.pg_rewrite r join pg_catalog.pg_class c on c.oid = r.ev_class where r.oid = d.objid)
           when 'pg_catalog.pg_trigger'::regclass then
             (select c.relnamespace from pg_catalog.pg_trigger g join pg_catalog.pg_class c on c.oid = g.tgrelid where g.oid = d.objid)
           when 'pg_catalog.pg_constraint'::regclass then
             (select coalesce(c.relnamespace, k.connamespace) from pg_catalog.pg_constraint k
                left join pg_catalog.pg_class c on c.oid = k.conrelid where k.oid = d.objid)
           when 'pg_catalog.pg_attrdef'::regclass then
             (select c.relnamespace from pg_catalog.pg_attrdef a join pg_catalog.pg_class c on c.oid = a.adrelid where a.oid = d.objid)
         end as namespace
    from pg_catalog.pg_depend d
    join inside i on i.classid = d.refclassid and i.objid = d.refobjid
   where d.deptype in ('n', 'a')
)
-- a view depends through its _RETURN rule; name the view
select distinct case when classid = 'pg_catalog.pg_rewrite'::regclass
                     then (select pg_catalog.pg_describe_object('pg_catalog.pg_class'::regclass, r.ev_class, 0)
                             from pg_catalog.pg_rewrite r where r.oid = objid)
                     else pg_catalog.pg_describe_object(classid, objid, objsubid) end as dependent
  from dependent
 where namespace is distinct from (select oid from surface)
 order by 1`;
