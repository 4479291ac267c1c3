-- Why: B7, the birth gate. A birth that would fail PEN (identity completeness) under the active
-- rule set is either minted with a warning on record (`warning`) or refused (`block`), whichever
-- path minted it: birth_lane.mint_birth, mint_births, a source-table trigger of the birth trigger
-- fabric, or a direct insert. One trigger on the registry covers them all. The PEN judgement is
-- the inspect producer's, compiled at activation as birth_lane.birth_pen_failures (the contract
-- names it); the gate never guesses it.
create schema if not exists birth_lane;

-- The gate's warnings, appended to the evidence log as `note` records with the reserved topic
-- gate.birth_warning (append_note refuses that topic, so a client cannot pose as the gate).
-- SECURITY DEFINER: the minting role needs no INSERT on the evidence log. It trusts nothing it is
-- handed: it runs only from a trigger, reads the rows back from the registry by id (so they were
-- really inserted) and records only those that fail PEN when it judges them itself, so even the
-- owner's direct call can only record a true statement about a row that exists.
create or replace function birth_lane.record_birth_gate_warnings(p_row_ids bigint[])
returns integer
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  written integer;
begin
  if pg_catalog.pg_trigger_depth() < 1 then
    raise exception using errcode = 'BL001', constraint = 'birth_gate_warning_from_trigger',
      message = 'birth_lane.record_birth_gate_warnings runs only from the birth gate trigger, never by a direct call';
  end if;
  if p_row_ids is null or pg_catalog.to_regprocedure('birth_lane.birth_pen_failures(public.birth_registry)') is null then
    return 0;
  end if;
  insert into birth_lane.evidence (kind, row_id, entity_code, check_id, message, payload)
  select 'note', judged.id, judged.entity_code, 'gate.birth_warning',
         pg_catalog.format('birth gate (warning): %s was minted but would fail PEN: %s', judged.entity_code,
                           pg_catalog.array_to_string(judged.failed, ', ')),
         pg_catalog.jsonb_build_object('kind', 'note', 'topic', 'gate.birth_warning',
           'payload', pg_catalog.jsonb_build_object(
             'rowId', judged.id::text, 'entityCode', judged.entity_code,
             'failedChecks', pg_catalog.to_jsonb(judged.failed), 'mode', 'warning',
             'mintedBy', session_user::text))
    from (select r.id, r.entity_code, birth_lane.birth_pen_failures(r) as failed
            from public.birth_registry r
           where r.id = any (p_row_ids) and r.governance_role = 'governed') judged
   where pg_catalog.cardinality(judged.failed) > 0
   order by judged.id;
  get diagnostics written = row_count;
  return written;
end;
$$;
-- Executable by no lane role: only the gate (below, SECURITY DEFINER, so it runs as the lane owner)
-- calls it, whoever inserted the birth.
revoke all on function birth_lane.record_birth_gate_warnings(bigint[]) from public;

-- A gate setting as PERSISTED for the session's login (session_user) in this database, strongest
-- layer first, the order PostgreSQL applies them at login: ALTER ROLE … IN DATABASE … SET, ALTER
-- ROLE … SET, ALTER DATABASE … SET, ALTER ROLE ALL SET. Null when no layer holds it. The session's
-- own SET is deliberately not consulted: the gate obeys what an administrator persisted, not what
-- the minting login chooses for itself (review 13, finding 5). pg_db_role_setting is readable by
-- every role; the gate reads it only for a birth that fails PEN.
create or replace function birth_lane.persisted_gate_setting(p_name text)
returns text
language sql
stable
set search_path = pg_catalog, pg_temp
as $$
  select pg_catalog.substr(setting, pg_catalog.strpos(setting, '=') + 1)
    from pg_catalog.pg_db_role_setting s
   cross join lateral pg_catalog.unnest(s.setconfig) as setting
   where s.setdatabase in (0, (select d.oid from pg_catalog.pg_database d where d.datname = pg_catalog.current_database()))
     and s.setrole in (0, (select r.oid from pg_catalog.pg_roles r where r.rolname = session_user))
     and pg_catalog.lower(pg_catalog.split_part(setting, '=', 1)) = pg_catalog.lower(p_name)
   order by (s.setrole <> 0) desc, (s.setdatabase <> 0) desc
   limit 1
$$;
revoke all on function birth_lane.persisted_gate_setting(text) from public;

-- The gate itself. It decides by the PERSISTED settings for the minting login
-- (persisted_gate_setting), never by a session SET: a minter cannot dodge `block` with
-- `SET app.bypass_birth_gate = on`. Unset or '' means `warning`, the field's default. A mode the
-- gate does not understand refuses a birth that fails PEN (fail closed): only an administrator
-- persists the setting, and birth_lane.flip_birth_gate writes only valid values. A bypass counts
-- only when it is a PostgreSQL boolean true word (on, true, yes, 1); any other value is no bypass.
-- A sound birth passes either mode, so the settings are read only once a birth fails PEN (or no
-- PEN judgement is compiled), which keeps the common case short.
-- An AFTER ROW trigger, so it judges only rows really inserted (a re-mint that ON CONFLICT DO
-- NOTHING skips is not judged) and whatever path minted them. Row level on purpose: each step is
-- a PL/pgSQL simple expression (the PEN function is inlined into it), with no query to plan or
-- start; a statement trigger over a transition table cost about three times as much per mint,
-- because the trigger fabric mints one row per statement (bench/gate.bench.ts). Putting the PEN
-- judgement in the trigger's WHEN clause was worse still (about 60 % of throughput): PostgreSQL
-- prepares a WHEN clause, inlining the function anew, for every statement, while PL/pgSQL keeps
-- its prepared expressions for the session.
-- SECURITY DEFINER with a pinned search_path: the gate fires as whoever inserts the birth, and a
-- live writer holding only INSERT on the registry (no USAGE on birth_lane, no EXECUTE on the
-- warning writer) must see a sound birth minted and, in warning, a defective one minted with its
-- warning on record (review 13, finding 1). It reads only NEW, the catalog and the PEN judgement,
-- and writes only through record_birth_gate_warnings, which re-judges the rows itself.
create or replace function birth_lane.fn_birth_gate()
returns trigger
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  gate_mode text;
  bypass text;
  failed text[];
begin
  if NEW.governance_role <> 'governed' then
    return null;
  end if;
  if pg_catalog.to_regprocedure('birth_lane.birth_pen_failures(public.birth_registry)') is not null then
    failed := birth_lane.birth_pen_failures(NEW);
    -- A sound birth passes whatever the mode: the settings are read only when they decide something.
    if pg_catalog.cardinality(failed) = 0 then
      return null;
    end if;
  end if;

  bypass := pg_catalog.lower(pg_catalog.btrim(coalesce(birth_lane.persisted_gate_setting('app.bypass_birth_gate'), '')));
  if bypass = any ('{on,true,yes,1}'::text[]) then
    return null;
  end if;
  gate_mode := coalesce(nullif(birth_lane.persisted_gate_setting('app.birth_gate_mode'), ''), 'warning');
  if gate_mode <> 'warning' and gate_mode <> 'block' then
    raise exception using errcode = 'BL001', constraint = 'birth_gate_mode',
      message = pg_catalog.format('birth refused: app.birth_gate_mode is persisted as %L, which the birth gate does not understand; '
                                  'it must be warning or block (the gate fails closed)', gate_mode),
      hint = 'birth-lane gate status shows where the setting comes from; birth-lane gate flip --to warning resets it.';
  end if;

  if failed is null then
    if gate_mode = 'block' then
      raise exception using errcode = 'BL001', constraint = 'birth_gate_no_rule_set',
        message = 'birth refused by the birth gate (block): no PEN judgement is compiled, so PEN cannot be judged '
                  '(birth_lane.birth_pen_failures is compiled from the active rule set)',
        hint = 'Activate a rule set (birth-lane rules activate) or re-run birth-lane install, or flip the gate to warning (birth-lane gate flip --to warning).';
    end if;
    raise warning 'birth gate (warning): no PEN judgement is compiled, so % is minted without one', NEW.entity_code;
    return null;
  end if;
  if gate_mode = 'block' then
    raise exception using errcode = 'BL001', constraint = 'birth_gate', column = 'entity_code',
      message = pg_catalog.format('birth refused by the birth gate (block): %s fails PEN: %s',
                                  NEW.entity_code, pg_catalog.array_to_string(failed, ', ')),
      hint = 'Fix the source row so PEN passes; nothing of this statement was minted.';
  end if;
  -- In warning the birth is minted whatever happens to its warning: a failure to record it is
  -- said to the client (WARNING) and never refuses the birth. query_canceled is not caught.
  begin
    perform birth_lane.record_birth_gate_warnings(array[NEW.id]);
  exception when others then
    raise warning 'birth gate (warning): % fails PEN (%) and is minted, but its warning could not be recorded: % (SQLSTATE %)',
      NEW.entity_code, pg_catalog.array_to_string(failed, ', '), SQLERRM, SQLSTATE;
  end;
  return null;
end;
$$;
-- Trigger functions are not called directly; firing a trigger needs no EXECUTE right.
revoke all on function birth_lane.fn_birth_gate() from public;

drop trigger if exists trg_birth_gate on public.birth_registry;
create trigger trg_birth_gate
  after insert on public.birth_registry
  for each row execute function birth_lane.fn_birth_gate();
