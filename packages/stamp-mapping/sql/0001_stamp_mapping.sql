-- Why: B6 maps the conceptual stamps (BIRTH, PROMOTE, OWNER, GOV) onto columns the registry already
-- has, and never adds one: a stamp column beside the existing ones would be a second source of
-- truth for the same fact (Assembly First). The database judges a mapping against its own catalog
-- (stamp_mapping_problems), and writes mapped stamps only through the functions below: on
-- certified rows, in an approved id range, with a stamp_materialisation approval bound to the
-- mapping's hash, in bounded batches, each batch on the evidence log. The certified-pair guard
-- lets the canonical columns change only under the promotion pass (birth_lane.promotion_in_progress,
-- certify consumer), which these functions hold for exactly the rows of their own batch.
create schema if not exists birth_lane;

-- The mapping's identity: sha256 of its jsonb text. jsonb keeps one spelling of a document (keys
-- sorted, white space normalised), so the same mapping has the same hash however the file was laid
-- out; the approval's scope names it, so an approval covers exactly one mapping.
create or replace function birth_lane.stamp_mapping_hash(p_mapping jsonb)
returns text
language sql
immutable
strict
set search_path = pg_catalog, pg_temp
as $$ select pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(p_mapping::text, 'UTF8')), 'hex') $$;

-- What is wrong with a mapping against the live catalog, one row per problem (none: it holds).
-- Rules: the document is {version, mappings:[{stamp, column, key?, note?}]}; each stamp once, each
-- column once; the column exists in public.birth_registry (else refused as a parallel source of
-- truth); it is not the identity, an inspected field or the inspect stud; BIRTH is the
-- certification itself (certified boolean or certified_at timestamptz); PROMOTE and OWNER are text;
-- GOV is a key inside a jsonb column. The TypeScript document schema checks the shape first and
-- names the same rules.
create or replace function birth_lane.stamp_mapping_problems(p_mapping jsonb)
returns table (entry integer, field text, rule text, message text)
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
declare
  item record;
  column_type text;
  seen_stamps text[] := '{}';
  seen_columns text[] := '{}';
begin
  if p_mapping is null or jsonb_typeof(p_mapping) <> 'object' or jsonb_typeof(p_mapping -> 'mappings') <> 'array'
     or jsonb_array_length(p_mapping -> 'mappings') = 0 then
    return query select null::integer, 'mappings', 'shape', 'the mapping must be an object with a non-empty mappings array';
    return;
  end if;
  for item in
    select (ordinality - 1)::integer as i, value ->> 'stamp' as stamp, value ->> 'column' as col, value ->> 'key' as key
      from jsonb_array_elements(p_mapping -> 'mappings') with ordinality
  loop
    if item.stamp is null or item.stamp not in ('BIRTH', 'PROMOTE', 'OWNER', 'GOV') then
      return query select item.i, 'stamp', 'one_of', format('stamp %L must be one of BIRTH, PROMOTE, OWNER, GOV', item.stamp);
      continue;
    end if;
    if item.stamp = any (seen_stamps) then
      return query select item.i, 'stamp', 'unique', format('maps %s twice', item.stamp);
    end if;
    seen_stamps := seen_stamps || item.stamp;
    if item.col is null then
      return query select item.i, 'column', 'required', format('%s needs a column', item.stamp);
      continue;
    end if;
    if item.col = any (seen_columns) then
      return query select item.i, 'column', 'unique', format('maps two stamps onto %s', item.col);
    end if;
    seen_columns := seen_columns || item.col;

    select format_type(a.atttypid, a.atttypmod) into column_type
      from pg_attribute a
     where a.attrelid = 'public.birth_registry'::regclass and a.attname = item.col and a.attnum > 0 and not a.attisdropped;
    if column_type is null then
      return query select item.i, 'column', 'existing_column',
        format('%s -> %s: birth_registry has no column %s. Stamp mapping never adds a column: a new stamp column '
               'beside the existing ones would be a parallel source of truth for the same fact; map %s onto an existing column',
               item.stamp, item.col, item.col, item.stamp);
      continue;
    end if;
    if item.col in ('id', 'entity_code', 'collection_name', 'species_code', 'dot_origin', 'governance_role', 'born_at',
                    'name', 'description', 'status', 'inspect_pen', 'inspect_stamp', 'inspect_gate') then
      return query select item.i, 'column', 'reserved_column',
        format('%s belongs to the identity, the inspected fields or the inspect stud; a lifecycle stamp may not reuse it', item.col);
      continue;
    end if;
    if item.stamp = 'BIRTH' then
      if item.col not in ('certified', 'certified_at') then
        return query select item.i, 'column', 'birth_is_certification',
          format('BIRTH is the certification itself: map it onto certified or certified_at, not %s', item.col);
      end if;
    elsif item.stamp in ('PROMOTE', 'OWNER') then
      if column_type not in ('text', 'character varying') and column_type not like 'character varying(%' then
        return query select item.i, 'column', 'compatible_type',
          format('%s -> %s: the column is %s; %s is text', item.stamp, item.col, column_type, item.stamp);
      end if;
    elsif item.stamp = 'GOV' then
      if column_type <> 'jsonb' then
        return query select item.i, 'column', 'compatible_type',
          format('GOV -> %s: the column is %s; GOV is a key inside a jsonb column', item.col, column_type);
      end if;
    end if;
    if item.stamp = 'GOV' and (item.key is null or item.key !~ '^[a-z][a-z0-9_]{0,62}$') then
      return query select item.i, 'key', 'pattern',
        format('GOV needs a key such as governance (lower-case letters, digits, _), got %L', item.key);
    elsif item.stamp <> 'GOV' and item.key is not null then
      return query select item.i, 'key', 'gov_only', format('only GOV takes a key; %s is a whole column', item.stamp);
    end if;
  end loop;
end;
$$;

-- One row per approved materialisation: the mapping and range the approval covers, where the
-- batches have got to, and who runs them. Written only by the functions below.
create table if not exists birth_lane.stamp_materialisations (
  approval_request_id bigint primary key references birth_lane.approval_requests (id),
  mapping jsonb not null,
  mapping_hash text not null,
  from_id bigint not null,
  to_id bigint not null,
  owner text,
  next_id bigint not null,
  rows_written bigint not null default 0,
  batches integer not null default 0,
  started_by text not null default session_user,
  started_at timestamptz not null default pg_catalog.clock_timestamp(),
  finished_at timestamptz,
  constraint stamp_materialisations_range_check check (from_id >= 1 and from_id <= to_id)
);
revoke all on birth_lane.stamp_materialisations from public;
grant select on birth_lane.stamp_materialisations to birth_lane_promoter, birth_lane_governance, birth_lane_reader;

-- Begins a materialisation: the mapping must hold against the catalog; the approval must be for
-- stamp_materialisation with scope {mappingHash, fromId, toId[, owner]} where mappingHash is this
-- mapping's hash (and owner is present exactly when OWNER is mapped); it must meet quorum, be
-- unexpired and unused: consume_approval uses it here, once. The range and owner come from the
-- approved scope; a range the caller passes must equal it. Raises BL001 (mapping, range) or BL003
-- (approval), with the rule in CONSTRAINT; nothing is written then.
create or replace function birth_lane.begin_stamp_materialisation(
  p_mapping jsonb, p_approval_request_id bigint, p_from_id bigint default null, p_to_id bigint default null)
returns jsonb
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  problems text;
  request birth_lane.approval_requests%rowtype;
  mapping_hash text := birth_lane.stamp_mapping_hash(p_mapping);
  maps_owner boolean;
  from_id bigint;
  to_id bigint;
begin
  select string_agg(format('mappings.%s.%s: %s (rule: %s)', p.entry, p.field, p.message, p.rule), '; ')
    into problems from birth_lane.stamp_mapping_problems(p_mapping) p;
  if problems is not null then
    raise exception using errcode = 'BL001', constraint = 'stamp_mapping', message = 'stamp mapping refused: ' || problems;
  end if;
  if pg_catalog.to_regclass('birth_lane.promotion_in_progress') is null then
    raise exception using errcode = 'BL001', constraint = 'stamp_materialisation_pass',
      message = 'stamps are written only under the promotion pass the certified-pair guard recognises '
                '(birth_lane.promotion_in_progress, certify consumer), which is not installed';
  end if;
  select * into request from birth_lane.approval_requests where id = p_approval_request_id;
  if not found then
    raise exception using errcode = 'BL003', constraint = 'approval_request_exists',
      message = format('no approval request with id %s', p_approval_request_id);
  end if;
  maps_owner := exists (select 1 from jsonb_array_elements(p_mapping -> 'mappings') m where m ->> 'stamp' = 'OWNER');
  if request.scope ->> 'mappingHash' is distinct from mapping_hash then
    raise exception using errcode = 'BL003', constraint = 'approval_scope_matches',
      message = format('approval request %s covers mapping %s, not this mapping (%s)', request.id,
                       coalesce(request.scope ->> 'mappingHash', '(none)'), mapping_hash);
  end if;
  if coalesce(request.scope ->> 'fromId', '') !~ '^[1-9][0-9]{0,18}$' or coalesce(request.scope ->> 'toId', '') !~ '^[1-9][0-9]{0,18}$'
     or (request.scope ->> 'fromId')::numeric > (request.scope ->> 'toId')::numeric
     or (request.scope ->> 'toId')::numeric > 9223372036854775807 then
    raise exception using errcode = 'BL003', constraint = 'approval_scope_range',
      message = format('approval request %s must name a row range fromId <= toId (registry ids as text); scope is %s',
                       request.id, request.scope);
  end if;
  from_id := (request.scope ->> 'fromId')::bigint;
  to_id := (request.scope ->> 'toId')::bigint;
  if (p_from_id is not null and p_from_id <> from_id) or (p_to_id is not null and p_to_id <> to_id) then
    raise exception using errcode = 'BL003', constraint = 'approval_scope_matches',
      message = format('approval request %s covers rows %s to %s, not %s to %s', request.id, from_id, to_id,
                       coalesce(p_from_id::text, from_id::text), coalesce(p_to_id::text, to_id::text));
  end if;
  if maps_owner and coalesce(btrim(request.scope ->> 'owner'), '') = '' then
    raise exception using errcode = 'BL003', constraint = 'approval_scope_owner',
      message = format('the mapping writes OWNER: approval request %s must name the owner in its scope', request.id);
  end if;
  if not maps_owner and request.scope ? 'owner' then
    raise exception using errcode = 'BL003', constraint = 'approval_scope_owner',
      message = format('approval request %s names an owner but the mapping writes no OWNER', request.id);
  end if;
  -- Action, quorum (high: president + 2 ai_council, no reject; the proposer never counts), expiry, single use.
  perform birth_lane.consume_approval(request.id, 'stamp_materialisation', request.scope);

  insert into birth_lane.stamp_materialisations
    (approval_request_id, mapping, mapping_hash, from_id, to_id, owner, next_id)
  values (request.id, p_mapping, mapping_hash, from_id, to_id, request.scope ->> 'owner', from_id);
  return jsonb_build_object('approvalRequestId', request.id::text, 'mappingHash', mapping_hash,
                            'fromId', from_id::text, 'toId', to_id::text, 'owner', request.scope ->> 'owner');
end;
$$;
revoke all on function birth_lane.begin_stamp_materialisation(jsonb, bigint, bigint, bigint) from public;
grant execute on function birth_lane.begin_stamp_materialisation(jsonb, bigint, bigint, bigint) to birth_lane_promoter;

-- One bounded batch of a begun materialisation (at most p_batch_size rows, 1 to 5000, among at most
-- 20 times as many ids): the next certified, governed rows of the approved range, in id order. Each mapped stamp is written only
-- where the row does not carry it yet, never overwritten:
--   PROMOTE -> lower(trim(collection_name)) || '/' || entity_code, the address the row's own identity gives;
--   OWNER   -> the owner named in the approved scope (people decide ownership; the approval records who);
--   GOV     -> jsonb key {approvalRequestId, mappingHash, materialisedAt}: which approval governs the row;
--   BIRTH   -> nothing: it is certified/certified_at, written only by the certify consumer; it is what
--              makes a row eligible.
-- Only the login that began it continues it. Appends one stamps.materialised evidence record per
-- batch with the ids written.
create or replace function birth_lane.materialize_stamps_batch(p_approval_request_id bigint, p_batch_size integer default 1000)
returns jsonb
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  job birth_lane.stamp_materialisations%rowtype;
  candidates bigint[];
  last_id bigint;
  assignments text[] := '{}';
  needs text[] := '{}';
  item record;
  written bigint[];
  window_end bigint;
  done boolean;
  result jsonb;
begin
  if p_batch_size is null or p_batch_size < 1 or p_batch_size > 5000 then
    raise exception using errcode = 'BL001', constraint = 'stamp_batch_size',
      message = format('batch size %s; allowed from 1 to 5000', p_batch_size);
  end if;
  select * into job from birth_lane.stamp_materialisations where approval_request_id = p_approval_request_id for update;
  if not found then
    raise exception using errcode = 'BL001', constraint = 'stamp_materialisation_begun',
      message = format('no materialisation was begun with approval request %s (birth_lane.begin_stamp_materialisation)',
                       p_approval_request_id);
  end if;
  if job.started_by <> session_user then
    raise exception using errcode = 'BL001', constraint = 'stamp_materialisation_of_another_login',
      message = format('the materialisation of approval request %s was begun by another login', job.approval_request_id);
  end if;
  if job.finished_at is not null then
    return jsonb_build_object('approvalRequestId', job.approval_request_id::text, 'rowsWritten', 0,
                              'rowIds', '[]'::jsonb, 'done', true, 'totalWritten', job.rows_written);
  end if;

  -- The ids one batch may look at are bounded too (20 ids per row it may write), so a range of a
  -- million uncertified rows with few certified ones among them is walked in many short
  -- statements, never one long scan.
  window_end := least(job.to_id, job.next_id + p_batch_size::bigint * 20 - 1);
  select array_agg(id order by id), max(id) into candidates, last_id
    from (select r.id from public.birth_registry r
           where r.id >= job.next_id and r.id <= window_end and r.certified and r.governance_role = 'governed'
           order by r.id limit p_batch_size) batch;
  -- A full batch ends at its last row; a short one has seen the whole window.
  if candidates is null or cardinality(candidates) < p_batch_size then
    last_id := window_end;
  end if;

  for item in
    select m ->> 'stamp' as stamp, m ->> 'column' as col, m ->> 'key' as key
      from jsonb_array_elements(job.mapping -> 'mappings') m
  loop
    if item.stamp = 'PROMOTE' then
      assignments := assignments || format('%1$I = coalesce(r.%1$I, pg_catalog.lower(pg_catalog.btrim(r.collection_name)) || ''/'' || r.entity_code)', item.col);
      needs := needs || format('r.%I is null', item.col);
    elsif item.stamp = 'OWNER' then
      assignments := assignments || format('%1$I = coalesce(r.%1$I, $2)', item.col);
      needs := needs || format('r.%I is null', item.col);
    elsif item.stamp = 'GOV' then
      assignments := assignments || format(
        '%1$I = case when r.%1$I ? %2$L then r.%1$I else coalesce(r.%1$I, ''{}''::jsonb) || '
        'pg_catalog.jsonb_build_object(%2$L, pg_catalog.jsonb_build_object(''approvalRequestId'', $3::text, '
        '''mappingHash'', $4::text, ''materialisedAt'', pg_catalog.now())) end', item.col, item.key);
      needs := needs || format('not coalesce(r.%I ? %L, false)', item.col, item.key);
    end if;
  end loop;

  if candidates is not null and cardinality(assignments) > 0 then
    -- The promotion pass for exactly these rows, in this transaction only, for this one UPDATE.
    insert into birth_lane.promotion_in_progress (row_id, xact_id)
    select id, pg_catalog.pg_current_xact_id() from unnest(candidates) id on conflict do nothing;
    execute format('with changed as (update public.birth_registry r set %s where r.id = any ($1) and (%s) returning r.id) '
                   'select array_agg(id order by id) from changed',
                   array_to_string(assignments, ', '), array_to_string(needs, ' or '))
      into written
      using candidates, job.owner, job.approval_request_id::text, job.mapping_hash;
    delete from birth_lane.promotion_in_progress
     where xact_id = pg_catalog.pg_current_xact_id() and row_id = any (candidates);
  end if;
  written := coalesce(written, '{}');

  done := last_id >= job.to_id;
  update birth_lane.stamp_materialisations
     set next_id = last_id + 1, rows_written = rows_written + cardinality(written),
         batches = batches + 1, finished_at = case when done then pg_catalog.clock_timestamp() end
   where approval_request_id = job.approval_request_id;

  result := jsonb_build_object(
    'approvalRequestId', job.approval_request_id::text, 'mappingHash', job.mapping_hash,
    'afterId', (job.next_id - 1)::text, 'throughId', last_id::text,
    'rowsWritten', cardinality(written), 'rowIds', to_jsonb(array(select x::text from unnest(written) x)),
    'stamps', (select jsonb_agg(m - 'note') from jsonb_array_elements(job.mapping -> 'mappings') m
                where m ->> 'stamp' <> 'BIRTH'),
    'owner', job.owner, 'done', done, 'totalWritten', job.rows_written + cardinality(written), 'by', session_user::text);
  insert into birth_lane.evidence (kind, check_id, message, payload)
  values ('note', 'stamps.materialised',
          format('stamps materialised on %s rows (%s, %s] with approval %s', cardinality(written), job.next_id - 1,
                 last_id, job.approval_request_id),
          jsonb_build_object('kind', 'note', 'topic', 'stamps.materialised', 'payload', result));
  return result;
end;
$$;
revoke all on function birth_lane.materialize_stamps_batch(bigint, integer) from public;
grant execute on function birth_lane.materialize_stamps_batch(bigint, integer) to birth_lane_promoter;

revoke all on function birth_lane.stamp_mapping_problems(jsonb), birth_lane.stamp_mapping_hash(jsonb) from public;
grant execute on function birth_lane.stamp_mapping_problems(jsonb), birth_lane.stamp_mapping_hash(jsonb)
  to birth_lane_promoter, birth_lane_governance, birth_lane_reader;
