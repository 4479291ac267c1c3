-- Why: B4, the certify consumer. Certification is the lane's final verdict, so the database itself
-- gives it: a row is certified inside the very UPDATE that completes its three stamps in order,
-- never for a partial or ambiguous row, never by a client writing `certified` (the fused shortcut
-- that certified 1,402 rows without inspecting them), and never automatically for a canonical
-- (kernel) entity, which instead raises a promotion request and waits for an approved promotion.
create schema if not exists birth_lane;

-- The one rule by which a collection name is compared in the canonical check, so that `Kernel`,
-- ` kernel `, `KERNEL`, `ｋｅｒｎｅｌ` (full width), `ker<zero-width space>nel`, `kernel<U+2063>` or
-- `kernel<U+FE0F>` all count as `kernel` and a look-alike spelling cannot dodge the promotion:
-- (1) remove the invisible characters, (2) Unicode NFKC, (3) remove them again (NFKC can produce
-- one), (4) every run of white space becomes one space, (5) trim spaces at both ends, (6) lower-case
-- A-Z (ASCII only, so the result never depends on the server's locale). The invisible characters
-- are those of the identity key (birth_lane.identity_key_removed_class(): Default_Ignorable_Code_Point
-- and White_Space) that are not White_Space: soft hyphen, combining grapheme joiner, Hangul
-- fillers, Mongolian and variation selectors, zero-width and bidi controls, word joiner and
-- invisible operators, BOM, tags. White space is Unicode White_Space (the class below).
-- canonicalCollectionKey() in @birth-lane/certify-consumer mirrors it (a property test checks).
-- Used by the canonical list, the certify trigger's check and promote's check. Immutable, so the
-- unique index below can use it; plain SQL with qualified names, so it is inlined and cannot be
-- redirected by a caller's search_path.
create or replace function birth_lane.canonical_collection_key(p_name text)
returns text
language sql
immutable
strict
parallel safe
as $$
  -- A name already in normal form (lower-case ASCII letters, digits, _ . -) is its own key: that
  -- check costs about a tenth of the full rule, and it is the common case on a backlog run.
  -- The invisible class is the identity key's class minus White_Space: a negative lookahead.
  select case when p_name operator(pg_catalog.~) '^[a-z0-9_.-]*$' then p_name else pg_catalog.translate(
    pg_catalog.btrim(
      pg_catalog.regexp_replace(
        pg_catalog.regexp_replace(
          pg_catalog.normalize(
            pg_catalog.regexp_replace(p_name,
              '(?![\t\n\v\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000])'
                operator(pg_catalog.||) birth_lane.identity_key_removed_class(), '', 'g'),
            'NFKC'),
          '(?![\t\n\v\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000])'
            operator(pg_catalog.||) birth_lane.identity_key_removed_class(), '', 'g'),
        '[\t\n\v\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+', ' ', 'g'),
      ' '),
    'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') end
$$;

-- Which collections hold canonical/kernel entities is configuration, kept as rows, not code.
-- The name is kept as entered; two names with the same key are one collection (unique index).
create table if not exists birth_lane.canonical_collections (
  collection_name text primary key,
  added_at timestamptz not null default now(),
  note text
);
alter table birth_lane.canonical_collections drop constraint if exists canonical_collections_name_check;
alter table birth_lane.canonical_collections add constraint canonical_collections_name_check
  check (birth_lane.canonical_collection_key(collection_name) <> '');
create unique index if not exists canonical_collections_key_idx
  on birth_lane.canonical_collections (birth_lane.canonical_collection_key(collection_name));
-- The key rule may have changed since the index was built (a re-install): rebuild it.
reindex index birth_lane.canonical_collections_key_idx;
revoke all on birth_lane.canonical_collections from public;
-- Readable by everyone: the certify trigger runs as whoever updates the stamps (the producer, an
-- owner, a custom writer role) and must look the collection up; the list is configuration, not a secret.
grant select on birth_lane.canonical_collections to public;

-- The certify trigger asks "is this collection canonical?" for every row whose stamps complete:
-- a million times on a backlog run. A table lookup costs a query per row; instead the list is
-- compiled into this function's body, which the trigger's expression inlines as a constant. The
-- table stays the one source of truth: a statement trigger on it recompiles the function on every
-- change, in the same transaction, and only the owner can replace it.
-- It returns the keys (canonical_collection_key) of the configured names.
create or replace function birth_lane.canonical_collection_list()
returns text[]
language sql
stable
as $$ select '{}'::text[] $$;

create or replace function birth_lane.compile_canonical_collection_list()
returns trigger
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  -- The list as compiled before this statement: the keys "before".
  before_keys text[] := birth_lane.canonical_collection_list();
  keys text[];
  names text[];
begin
  select coalesce(pg_catalog.array_agg(c.key order by c.key), '{}'),
         coalesce(pg_catalog.array_agg(c.collection_name order by c.key), '{}')
    into keys, names
    from (select birth_lane.canonical_collection_key(collection_name) as key, collection_name
            from birth_lane.canonical_collections) c;
  execute pg_catalog.format(
    'create or replace function birth_lane.canonical_collection_list() returns text[] language sql stable as %L',
    pg_catalog.format('select %L::text[]', keys));
  -- Which collections are canonical decides which rows wait for an approved promotion, so every
  -- change is on record: who (session_user; the log also records it as the writer), the keys before
  -- and after, and the names as configured now. A statement that changes nothing records nothing.
  if keys operator(pg_catalog.<>) before_keys then
    insert into birth_lane.evidence (kind, check_id, message, payload)
    values ('note', 'certify.canonical_changed',
            pg_catalog.format('canonical collections changed by %s: %s -> %s', session_user, before_keys, keys),
            pg_catalog.jsonb_build_object('kind', 'note', 'topic', 'certify.canonical_changed',
              'payload', pg_catalog.jsonb_build_object(
                'before', pg_catalog.to_jsonb(before_keys),
                'after', pg_catalog.to_jsonb(keys),
                'afterNames', pg_catalog.to_jsonb(names),
                'added', pg_catalog.to_jsonb(array(select k from pg_catalog.unnest(keys) k
                                                    where not (k operator(pg_catalog.=) any (before_keys)) order by k)),
                'removed', pg_catalog.to_jsonb(array(select k from pg_catalog.unnest(before_keys) k
                                                      where not (k operator(pg_catalog.=) any (keys)) order by k)),
                'operation', pg_catalog.lower(tg_op),
                'sessionUser', session_user::text)));
  end if;
  return null;
end;
$$;
revoke all on function birth_lane.compile_canonical_collection_list() from public;

drop trigger if exists canonical_collections_compile on birth_lane.canonical_collections;
create trigger canonical_collections_compile
  after insert or update or delete or truncate on birth_lane.canonical_collections
  for each statement execute function birth_lane.compile_canonical_collection_list();

-- Compile once now, for a table that already holds rows (a re-install): a no-op update fires it.
update birth_lane.canonical_collections set collection_name = collection_name where false;

-- The approved-promotion pass: promote() records (row, its own transaction) here for the length of
-- its one UPDATE, and the certified-pair guard lets the pair change only while such a record exists.
-- No lane role may read or write this table, so no client can forge the pass. A custom setting
-- (set_config) would not do: any session can set any custom setting to any value.
create table if not exists birth_lane.promotion_in_progress (
  row_id bigint not null,
  xact_id xid8 not null,
  primary key (row_id, xact_id)
);
revoke all on birth_lane.promotion_in_progress from public;

-- Is an approved promotion of this row under way in this very transaction? SECURITY DEFINER so
-- the guard can ask without the invoker being able to read (or forge) the pass table.
create or replace function birth_lane.promotion_pass_active(p_row_id bigint)
returns boolean
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
  select exists (
    select 1 from birth_lane.promotion_in_progress
     where row_id = p_row_id and xact_id = pg_catalog.pg_current_xact_id())
$$;

-- Files the one promotion request (and its evidence) for a canonical row whose stamps completed.
-- Only this function's own open request counts (proposer birth_lane.certify_consumer, not expired,
-- not used), so a later UPDATE of the row does not raise a second, while a request someone else
-- filed, an expired one or a used one never stands in the way of the real one. People cannot file
-- promotion requests (birth_lane.request_approval refuses the action), and promote uses only
-- requests filed here; the row lock of the triggering UPDATE serialises concurrent updates of the row.
-- SECURITY DEFINER: it writes approvals and evidence, which no lane role may. It takes the new
-- version of the row (the trigger's NEW, whose stamps are not in the table yet) and trusts none
-- of it blindly: it runs only from a trigger, the row must exist under that id and entity_code,
-- be governed and uncertified, have PEN, STAMP and GATE present and in order, and be in a
-- canonical collection by the normalisation rule. Not executable by PUBLIC or any lane role:
-- stamps are written by the inspection (birth_lane.inspect_batch, owned by the lane owner), so
-- the trigger that calls this runs with the owner's rights.
drop function if exists birth_lane.file_promotion_request(bigint, text, text);
create or replace function birth_lane.file_promotion_request(p_row public.birth_registry)
returns void
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  row_scope jsonb := pg_catalog.jsonb_build_object('rowId', p_row.id::text);
  request_id bigint;
begin
  if pg_catalog.pg_trigger_depth() operator(pg_catalog.<) 1 then
    raise exception using errcode = 'BL001', constraint = 'promotion_request_from_trigger',
      message = 'birth_lane.file_promotion_request runs only from the certify trigger, never by a direct call';
  end if;
  if not exists (select 1 from public.birth_registry r
                  where r.id operator(pg_catalog.=) p_row.id
                    and r.entity_code operator(pg_catalog.=) p_row.entity_code
                    and not r.certified) then
    raise exception using errcode = 'BL001', constraint = 'promotion_request_row_exists',
      message = pg_catalog.format('birth_lane.file_promotion_request: no uncertified registry row %s (%s)', p_row.id, p_row.entity_code);
  end if;
  if p_row.governance_role is distinct from 'governed' or p_row.certified
     or p_row.inspect_pen is null or p_row.inspect_stamp is null or p_row.inspect_gate is null
     or p_row.inspect_pen operator(pg_catalog.>) p_row.inspect_stamp
     or p_row.inspect_stamp operator(pg_catalog.>) p_row.inspect_gate then
    raise exception using errcode = 'BL001', constraint = 'promotion_request_stamps_complete',
      message = pg_catalog.format('birth_lane.file_promotion_request: row %s (%s) is not a governed, uncertified row '
                                  'with PEN, STAMP and GATE present and in order', p_row.id, p_row.entity_code);
  end if;
  if not coalesce(birth_lane.canonical_collection_key(p_row.collection_name)
                    operator(pg_catalog.=) any (birth_lane.canonical_collection_list()), false) then
    raise exception using errcode = 'BL001', constraint = 'promotion_request_canonical',
      message = pg_catalog.format('birth_lane.file_promotion_request: row %s is in collection %s, which is not canonical',
                                  p_row.id, coalesce(p_row.collection_name, '(none)'));
  end if;

  if exists (select 1 from birth_lane.approval_requests a
              where a.action operator(pg_catalog.=) 'promotion' and a.scope operator(pg_catalog.=) row_scope
                and a.proposer operator(pg_catalog.=) 'birth_lane.certify_consumer'
                and a.expires_at operator(pg_catalog.>) pg_catalog.now()
                and not exists (select 1 from birth_lane.approval_uses u where u.request_id operator(pg_catalog.=) a.id)) then
    return;
  end if;
  insert into birth_lane.approval_requests (action, scope, risk, proposer, reason)
  values ('promotion', row_scope, 'high', 'birth_lane.certify_consumer',
          pg_catalog.format('Row %s (%s) of canonical collection %s passed PEN, STAMP and GATE in order. Canonical entities '
                 'are never certified automatically: approve this request, then call birth_lane.promote(%s, <request id>).',
                 p_row.id, p_row.entity_code, p_row.collection_name, p_row.id))
  returning id into request_id;
  -- A payload matching evidenceRecordSchema; id, time and writer are set by the evidence log.
  insert into birth_lane.evidence (kind, row_id, entity_code, message, payload)
  values ('promotion_requested', p_row.id, p_row.entity_code, pg_catalog.format('approval request %s', request_id),
          pg_catalog.jsonb_build_object('kind', 'promotion_requested', 'rowId', p_row.id::text,
                                        'entityCode', p_row.entity_code, 'approvalRequestId', request_id::text));
end;
$$;
revoke all on function birth_lane.file_promotion_request(public.birth_registry) from public;
-- Called by the certified-pair guard as whoever updates the registry: it answers yes/no about the
-- caller's own transaction and leaks nothing, so everyone may call it.
revoke all on function birth_lane.promotion_pass_active(bigint) from public;
grant execute on function birth_lane.promotion_pass_active(bigint) to public;

-- One function behind two triggers: the certified-pair guard (INSERT and UPDATE) and, on UPDATE,
-- the certification itself. Keeping both in one function means the guard always sees the
-- statement's own changes before certification sets the pair, whatever other triggers are named.
-- It runs as the invoker with no SET clause, on purpose: it fires on every stamp update of a
-- million-row backlog, and a SECURITY DEFINER function with its own search_path costs several
-- times more per call. Names are fully qualified instead, and every operator is pinned as
-- OPERATOR(pg_catalog.x), so a caller's search_path cannot swap one in. IS DISTINCT FROM cannot be
-- qualified; it resolves `=` for the column's exact types, which pg_catalog always provides and
-- which pg_catalog (searched first unless a path names it later) wins. The two privileged moves
-- (reading the promotion pass, filing a promotion request) go through the small definer functions above.
create or replace function birth_lane.fn_birth_auto_certify()
returns trigger
language plpgsql
as $$
declare
  refused text[] := array[]::text[];
begin
  -- 1. The certified-pair guard.
  if tg_op operator(pg_catalog.=) 'INSERT' then
    -- A new row is an identity root: uncertified, no canonical fields. `status` is ordinary
    -- metadata the birth block writes at mint time, so it is not refused here.
    if NEW.certified then refused := refused operator(pg_catalog.||) 'certified'::text; end if;
    if NEW.certified_at is not null then refused := refused operator(pg_catalog.||) 'certified_at'::text; end if;
    if NEW.canonical_address is not null then refused := refused operator(pg_catalog.||) 'canonical_address'::text; end if;
    if NEW.owner is not null then refused := refused operator(pg_catalog.||) 'owner'::text; end if;
    if NEW.jsonb_profile is not null then refused := refused operator(pg_catalog.||) 'jsonb_profile'::text; end if;
    if pg_catalog.cardinality(refused) operator(pg_catalog.>) 0 then
      raise exception using
        errcode = 'BL001',
        column = refused[1],
        constraint = 'certified_pair_guard',
        message = pg_catalog.format('public.birth_registry: an INSERT may not set %s (entity_code %s)',
                         pg_catalog.array_to_string(refused, ', '), NEW.entity_code),
        hint = 'Mint the row uncertified and without canonical fields; it certifies itself when PEN, STAMP '
               'and GATE complete in order, or, in a canonical collection, through birth_lane.promote after an approval.';
    end if;
    return NEW;
  end if;

  -- One row comparison first: on the hot path (a stamp update) nothing protected changes, and
  -- the list of offending columns is only worth building when something did.
  if (NEW.certified, NEW.certified_at, NEW.canonical_address, NEW.owner, NEW.jsonb_profile)
       is distinct from (OLD.certified, OLD.certified_at, OLD.canonical_address, OLD.owner, OLD.jsonb_profile)
     -- `status` is inspected metadata a curator may need to fix before STAMP can pass; once the row
     -- is certified it is part of what was certified, so it freezes like the canonical columns.
     or (OLD.certified and NEW.status is distinct from OLD.status) then
    if NEW.certified is distinct from OLD.certified then refused := refused operator(pg_catalog.||) 'certified'::text; end if;
    if NEW.certified_at is distinct from OLD.certified_at then refused := refused operator(pg_catalog.||) 'certified_at'::text; end if;
    if NEW.canonical_address is distinct from OLD.canonical_address then refused := refused operator(pg_catalog.||) 'canonical_address'::text; end if;
    if NEW.owner is distinct from OLD.owner then refused := refused operator(pg_catalog.||) 'owner'::text; end if;
    if NEW.jsonb_profile is distinct from OLD.jsonb_profile then refused := refused operator(pg_catalog.||) 'jsonb_profile'::text; end if;
    if OLD.certified and NEW.status is distinct from OLD.status then refused := refused operator(pg_catalog.||) 'status'::text; end if;
    if not birth_lane.promotion_pass_active(OLD.id) then
      raise exception using
        errcode = 'BL001',
        column = refused[1],
        constraint = 'certified_pair_guard',
        message = pg_catalog.format('public.birth_registry: an UPDATE may not change %s (row %s, entity_code %s)',
                         pg_catalog.array_to_string(refused, ', '), OLD.id, OLD.entity_code),
        hint = 'certified/certified_at are set only by trg_birth_auto_certify when the three stamps complete in order, '
               'or by birth_lane.promote after an approved promotion; a certification is never cleared.';
    end if;
  end if;

  -- 2. Certification: only a governed, uncertified row whose three stamps are present and in order
  -- (pen <= stamp <= gate). A partial row (a null stamp) or an ambiguous one (out of order) is left as is.
  if NEW.certified or NEW.governance_role is distinct from 'governed'
     or NEW.inspect_pen is null or NEW.inspect_stamp is null or NEW.inspect_gate is null
     or NEW.inspect_pen operator(pg_catalog.>) NEW.inspect_stamp
     or NEW.inspect_stamp operator(pg_catalog.>) NEW.inspect_gate then
    return NEW;
  end if;

  -- The canonical check compares normalised names (canonical_collection_key); with no canonical
  -- collection configured, the common case, the key is not even computed.
  if NEW.collection_name is null
     or pg_catalog.cardinality(birth_lane.canonical_collection_list()) operator(pg_catalog.=) 0
     or not (birth_lane.canonical_collection_key(NEW.collection_name)
               operator(pg_catalog.=) any (birth_lane.canonical_collection_list())) then
    NEW.certified := true;
    NEW.certified_at := pg_catalog.now();
    return NEW;
  end if;

  -- A canonical entity is never auto-certified: it gets one promotion request instead.
  perform birth_lane.file_promotion_request(NEW);
  return NEW;
end;
$$;
-- Trigger functions are not called directly; firing a trigger needs no EXECUTE right.
revoke all on function birth_lane.fn_birth_auto_certify() from public;

drop trigger if exists trg_birth_auto_certify on public.birth_registry;
create trigger trg_birth_auto_certify
  before update on public.birth_registry
  for each row execute function birth_lane.fn_birth_auto_certify();

drop trigger if exists trg_birth_certified_insert_guard on public.birth_registry;
create trigger trg_birth_certified_insert_guard
  before insert on public.birth_registry
  for each row execute function birth_lane.fn_birth_auto_certify();

-- The approved promotion path for canonical entities. Raises BL003 when the approval does not hold
-- (missing, another action or scope, not high risk, quorum not met, expired, already used) and BL001 when the row is not
-- one a promotion may certify. The CONSTRAINT field of the error names the rule that failed.
create or replace function birth_lane.promote(p_row_id bigint, p_approval_request_id bigint)
returns void
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  target public.birth_registry%rowtype;
  request birth_lane.approval_requests%rowtype;
  row_scope jsonb := jsonb_build_object('rowId', p_row_id::text);
begin
  if p_row_id is null or p_approval_request_id is null then
    raise exception using errcode = 'BL001', constraint = 'promotion_arguments',
      message = 'birth_lane.promote: both p_row_id and p_approval_request_id are required';
  end if;

  select * into target from public.birth_registry where id = p_row_id for update;
  if not found then
    raise exception using errcode = 'BL001', constraint = 'promotion_row_exists',
      message = format('birth_lane.promote: no registry row with id %s', p_row_id);
  end if;
  if target.certified then
    raise exception using errcode = 'BL001', constraint = 'promotion_row_uncertified',
      message = format('birth_lane.promote: row %s (%s) is already certified (at %s)', p_row_id, target.entity_code, target.certified_at);
  end if;
  if target.governance_role is distinct from 'governed' then
    raise exception using errcode = 'BL001', constraint = 'promotion_row_governed',
      message = format('birth_lane.promote: row %s (%s) is %s; only governed rows are certified', p_row_id, target.entity_code, target.governance_role);
  end if;
  -- The same normalised comparison as the certify trigger's (canonical_collection_key).
  if not coalesce(birth_lane.canonical_collection_key(target.collection_name)
                    operator(pg_catalog.=) any (birth_lane.canonical_collection_list()), false) then
    raise exception using errcode = 'BL001', constraint = 'promotion_row_canonical',
      message = format('birth_lane.promote: row %s (%s) is in collection %s, which is not canonical; '
                       'it certifies itself when its stamps complete', p_row_id, target.entity_code, coalesce(target.collection_name, '(none)'));
  end if;

  select * into request from birth_lane.approval_requests where id = p_approval_request_id;
  if not found then
    raise exception using errcode = 'BL003', constraint = 'promotion_request_exists',
      message = format('birth_lane.promote: no approval request with id %s', p_approval_request_id);
  end if;
  if request.action <> 'promotion' then
    raise exception using errcode = 'BL003', constraint = 'promotion_request_action',
      message = format('birth_lane.promote: approval request %s is for %s, not promotion', request.id, request.action);
  end if;
  if request.scope <> row_scope then
    raise exception using errcode = 'BL003', constraint = 'promotion_request_scope',
      message = format('birth_lane.promote: approval request %s covers scope %s, not %s', request.id, request.scope, row_scope);
  end if;
  -- Only a request the certify consumer filed when the row's stamps completed (or re-filed by
  -- refile_promotion_requests): never one filed ahead of time, before the row had its content.
  if request.proposer <> 'birth_lane.certify_consumer' then
    raise exception using errcode = 'BL003', constraint = 'promotion_request_filed_by_lane',
      message = format('birth_lane.promote: approval request %s was filed by %s; a promotion uses only a request '
                       'the certify consumer filed (proposer birth_lane.certify_consumer)', request.id, request.proposer);
  end if;
  -- A promotion is a high-risk move (S1); a request proposed at a lower risk would need fewer votes.
  if request.risk <> 'high' then
    raise exception using errcode = 'BL003', constraint = 'promotion_request_risk',
      message = format('birth_lane.promote: approval request %s has risk %s; a promotion needs a high-risk approval', request.id, request.risk);
  end if;
  -- Uses the approval, once: consume_approval refuses (BL003, CONSTRAINT approval_quorum,
  -- approval_single_use, approval_not_expired, ...) unless it meets quorum, is unexpired and was
  -- never used, and records the use and its evidence. A refusal further down rolls the use back.
  perform birth_lane.consume_approval(request.id, 'promotion', row_scope);

  if target.inspect_pen is null or target.inspect_stamp is null or target.inspect_gate is null
     or target.inspect_pen > target.inspect_stamp or target.inspect_stamp > target.inspect_gate then
    raise exception using errcode = 'BL001', constraint = 'promotion_stamps_complete',
      message = format('birth_lane.promote: row %s (%s) does not have PEN, STAMP and GATE present and in order', p_row_id, target.entity_code);
  end if;

  insert into birth_lane.promotion_in_progress (row_id, xact_id) values (p_row_id, pg_catalog.pg_current_xact_id());
  update public.birth_registry set certified = true, certified_at = now() where id = p_row_id;
  delete from birth_lane.promotion_in_progress where row_id = p_row_id and xact_id = pg_catalog.pg_current_xact_id();

  insert into birth_lane.evidence (kind, check_id, payload)
  values ('note', 'certify.promoted',
          jsonb_build_object('kind', 'note', 'topic', 'certify.promoted',
                             'payload', jsonb_build_object('rowId', p_row_id::text, 'entityCode', target.entity_code,
                                                           'approvalRequestId', request.id::text)));
end;
$$;
revoke all on function birth_lane.promote(bigint, bigint) from public;
grant execute on function birth_lane.promote(bigint, bigint) to birth_lane_promoter;


-- Re-files promotion requests that lapsed: a request expires (7 days) and the certify trigger files
-- the next one only when the row is updated again. For each governed, uncertified row of a
-- canonical collection whose PEN, STAMP and GATE are present and in order and that has no open
-- request of the certify consumer (not expired, not used), this files one, exactly as the trigger
-- does (proposer birth_lane.certify_consumer, high risk, promotion_requested evidence). At most
-- p_limit rows, oldest first; returns how many it filed. EXECUTE: birth_lane_governance
-- (`birth-lane approvals refile-promotions`); it takes no row, scope or proposer from the caller.
create or replace function birth_lane.refile_promotion_requests(p_limit integer default 1000)
returns integer
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  target public.birth_registry%rowtype;
  request_id bigint;
  filed integer := 0;
begin
  if p_limit is null or p_limit operator(pg_catalog.<) 1 or p_limit operator(pg_catalog.>) 100000 then
    raise exception using errcode = 'BL001', constraint = 'refile_promotion_limit',
      message = pg_catalog.format('birth_lane.refile_promotion_requests: limit %s; allowed from 1 to 100000', p_limit);
  end if;
  if pg_catalog.cardinality(birth_lane.canonical_collection_list()) operator(pg_catalog.=) 0 then
    return 0;
  end if;
  for target in
    select r.* from public.birth_registry r
     where r.governance_role operator(pg_catalog.=) 'governed' and not r.certified
       and r.inspect_pen is not null and r.inspect_stamp is not null and r.inspect_gate is not null
       and r.inspect_pen operator(pg_catalog.<=) r.inspect_stamp
       and r.inspect_stamp operator(pg_catalog.<=) r.inspect_gate
       and r.collection_name is not null
       and birth_lane.canonical_collection_key(r.collection_name) operator(pg_catalog.=) any (birth_lane.canonical_collection_list())
       and not exists (
         select 1 from birth_lane.approval_requests a
          where a.action operator(pg_catalog.=) 'promotion'
            and a.scope operator(pg_catalog.=) pg_catalog.jsonb_build_object('rowId', r.id::text)
            and a.proposer operator(pg_catalog.=) 'birth_lane.certify_consumer'
            and a.expires_at operator(pg_catalog.>) pg_catalog.now()
            and not exists (select 1 from birth_lane.approval_uses u where u.request_id operator(pg_catalog.=) a.id))
     order by r.id
     limit p_limit
     for update of r skip locked
  loop
    insert into birth_lane.approval_requests (action, scope, risk, proposer, reason)
    values ('promotion', pg_catalog.jsonb_build_object('rowId', target.id::text), 'high', 'birth_lane.certify_consumer',
            pg_catalog.format('Row %s (%s) of canonical collection %s passed PEN, STAMP and GATE in order; its earlier '
                              'promotion request lapsed, re-filed by %s. Approve this request, then call '
                              'birth_lane.promote(%s, <request id>).',
                              target.id, target.entity_code, target.collection_name, session_user, target.id))
    returning id into request_id;
    insert into birth_lane.evidence (kind, row_id, entity_code, message, payload)
    values ('promotion_requested', target.id, target.entity_code, pg_catalog.format('approval request %s (re-filed)', request_id),
            pg_catalog.jsonb_build_object('kind', 'promotion_requested', 'rowId', target.id::text,
                                          'entityCode', target.entity_code, 'approvalRequestId', request_id::text));
    filed := filed operator(pg_catalog.+) 1;
  end loop;
  return filed;
end;
$$;
revoke all on function birth_lane.refile_promotion_requests(integer) from public;
grant execute on function birth_lane.refile_promotion_requests(integer) to birth_lane_governance;
