-- Why: every write-enabled move (backlog pass, gate flip, stamp materialisation, promotion,
-- install step, rule-set activation) needs an approval for that action and scope (S1), and an
-- approval must mean that the people holding the right roles really said yes. So identity is the
-- login (session_user), never a name a client types: requests and votes are written only through
-- the SECURITY DEFINER functions below, which take the proposer and the voter from session_user
-- and set ids and times themselves. No lane role may INSERT into these tables (0004_roles.sql).
-- The records are append-only, TRUNCATE included, so who approved what cannot be rewritten.
create schema if not exists birth_lane;

create table if not exists birth_lane.approval_requests (
  id bigserial primary key,
  action text not null,
  scope jsonb not null,
  risk text not null,
  proposer text not null default session_user,
  reason text not null,
  created_at timestamptz not null default now(),
  -- Silence never approves, and an old yes must not wake up months later: requests expire.
  expires_at timestamptz not null default now() + interval '7 days',
  constraint approval_requests_action_check check (
    action in ('backlog_pass', 'backlog_rollback', 'gate_flip', 'stamp_materialisation', 'promotion', 'install_step',
               'rule_set_activation')
  ),
  constraint approval_requests_scope_check check (jsonb_typeof(scope) = 'object' and scope <> '{}'::jsonb),
  constraint approval_requests_risk_check check (risk in ('low', 'medium', 'high')),
  constraint approval_requests_proposer_check check (btrim(proposer) <> ''),
  constraint approval_requests_reason_check check (btrim(reason) <> ''),
  constraint approval_requests_expiry_check check (
    expires_at > created_at and expires_at <= created_at + interval '30 days'
  )
);
-- Re-applying over an older table: the action list as it is now (backlog_rollback was added).
alter table birth_lane.approval_requests drop constraint if exists approval_requests_action_check;
alter table birth_lane.approval_requests add constraint approval_requests_action_check check (
  action in ('backlog_pass', 'backlog_rollback', 'gate_flip', 'stamp_materialisation', 'promotion', 'install_step',
             'rule_set_activation')
);
create index if not exists approval_requests_action_scope_idx on birth_lane.approval_requests (action, scope);

create table if not exists birth_lane.approval_votes (
  id bigserial primary key,
  request_id bigint not null references birth_lane.approval_requests (id),
  voter text not null default session_user,
  role text not null,
  decision text not null,
  comment text,
  cast_at timestamptz not null default clock_timestamp(),
  constraint approval_votes_role_check check (role in ('president', 'ai_council', 'approver')),
  constraint approval_votes_decision_check check (decision in ('approve', 'reject')),
  constraint approval_votes_voter_check check (btrim(voter) <> '')
);
create index if not exists approval_votes_request_idx on birth_lane.approval_votes (request_id);

-- An approval is consumed by the operation that uses it: one row per request, so a second use
-- fails on the primary key even if two users race past every other check.
create table if not exists birth_lane.approval_uses (
  request_id bigint primary key references birth_lane.approval_requests (id),
  action text not null,
  scope jsonb not null,
  used_by text not null default session_user,
  used_at timestamptz not null default clock_timestamp()
);

revoke all on birth_lane.approval_requests, birth_lane.approval_votes, birth_lane.approval_uses from public;
revoke all on sequence birth_lane.approval_requests_id_seq, birth_lane.approval_votes_id_seq from public;

drop trigger if exists approval_requests_append_only on birth_lane.approval_requests;
create trigger approval_requests_append_only
  before update or delete on birth_lane.approval_requests
  for each row execute function birth_lane.refuse_change_to_append_only();
drop trigger if exists approval_votes_append_only on birth_lane.approval_votes;
create trigger approval_votes_append_only
  before update or delete on birth_lane.approval_votes
  for each row execute function birth_lane.refuse_change_to_append_only();
drop trigger if exists approval_uses_append_only on birth_lane.approval_uses;
create trigger approval_uses_append_only
  before update or delete on birth_lane.approval_uses
  for each row execute function birth_lane.refuse_change_to_append_only();
-- Row triggers do not fire on TRUNCATE, and the owner may truncate its own tables: refuse it, as on evidence.
drop trigger if exists approval_requests_no_truncate on birth_lane.approval_requests;
create trigger approval_requests_no_truncate
  before truncate on birth_lane.approval_requests
  for each statement execute function birth_lane.refuse_change_to_append_only();
drop trigger if exists approval_votes_no_truncate on birth_lane.approval_votes;
create trigger approval_votes_no_truncate
  before truncate on birth_lane.approval_votes
  for each statement execute function birth_lane.refuse_change_to_append_only();
drop trigger if exists approval_uses_no_truncate on birth_lane.approval_uses;
create trigger approval_uses_no_truncate
  before truncate on birth_lane.approval_uses
  for each statement execute function birth_lane.refuse_change_to_append_only();

-- The characters steps 1 and 3 of the identity key (below) remove, as one regular-expression class. IDENTITY_KEY_REMOVED_RANGES in
-- approval.ts lists the same ranges; a test compares the two code point by code point.
create or replace function birth_lane.identity_key_removed_class()
returns text
language sql
immutable
parallel safe
set search_path = pg_catalog, pg_temp
as $$
  select '[\u0009-\u000D\u0020\u0085\u00A0\u00AD\u034F\u061C\u115F-\u1160\u1680\u17B4-\u17B5\u180B-\u180F'
      || '\u2000-\u200F\u2028-\u202F\u205F-\u206F\u3000\u3164\uFE00-\uFE0F\uFEFF\uFFA0\uFFF0-\uFFF8'
      || '\U0001BCA0-\U0001BCA3\U0001D173-\U0001D17A\U000E0000-\U000E0FFF]'
$$;

-- The identity key: two logins with the same key are the same person for the quorum rule, so
-- `alice`, `ALICE`, `ａｌｉｃｅ` (fullwidth) and `ali<U+200B>ce` (zero-width space) cannot vote on
-- alice's own request, nor count twice. The rule (identityKey() in approval.ts is the same):
--   1. remove whitespace and invisible characters (Unicode White_Space and the
--      Default_Ignorable_Code_Point set: soft hyphen, zero-width and bidi controls, joiners,
--      variation selectors, fillers, tags), 2. NFKC-normalise, 3. remove them again (NFKC can
--      produce a space), 4. lower-case A-Z only. Only ASCII is lower-cased because lower() of other
--      letters depends on the database's locale, and the TypeScript rule must agree everywhere;
--   fullwidth letters are ASCII after NFKC. Cross-script look-alikes (Cyrillic а) are not folded.
create or replace function birth_lane.identity_key(p_name text)
returns text
language sql
immutable
strict
parallel safe
set search_path = pg_catalog, pg_temp
as $$
  select pg_catalog.translate(
    pg_catalog.regexp_replace(
      pg_catalog.normalize(
        pg_catalog.regexp_replace(p_name, birth_lane.identity_key_removed_class(), '', 'g'),
        'NFKC'),
      birth_lane.identity_key_removed_class(), '', 'g'),
    'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')
$$;

-- Each action's minimum risk: a request may not be proposed below it, and a stored request is
-- judged at the stronger of its own risk and this minimum (MINIMUM_RISK in approval.ts).
create or replace function birth_lane.approval_minimum_risk(p_action text)
returns text
language sql
immutable
parallel safe
set search_path = pg_catalog, pg_temp
as $$
  select case p_action
           when 'promotion' then 'high'
           when 'rule_set_activation' then 'high'
           when 'backlog_pass' then 'high'
           when 'backlog_rollback' then 'high'
           when 'stamp_materialisation' then 'high'
           when 'gate_flip' then 'medium'
           when 'install_step' then 'medium'
           else 'high'
         end
$$;

create or replace function birth_lane.risk_rank(p_risk text)
returns integer
language sql
immutable
parallel safe
set search_path = pg_catalog, pg_temp
as $$ select case p_risk when 'low' then 1 when 'medium' then 2 when 'high' then 3 end $$;

-- The vote counting rule (evaluateQuorum() in approval.ts is the same):
--  - voters are told apart by identity key; votes whose key is the proposer's never count, nor
--    votes whose key is empty;
--  - a voter who rejected counts as one reject until the request closes (a reject stands; the
--    voter cannot withdraw it, cast_vote refuses any later vote);
--  - otherwise the voter's latest vote counts, once, in the role it was cast in. "Latest" is the
--    highest id: ids are set by the server and cast_vote's row lock serialises the votes on one
--    request, so the id order is the order they were cast in. cast_at is not used: PostgreSQL keeps
--    microseconds and JavaScript milliseconds, so two votes in one millisecond would sort
--    differently on each side.
create or replace function birth_lane.approval_tally(p_request_id bigint)
returns table (president integer, ai_council integer, approvals integer, rejects integer)
language sql
stable
set search_path = pg_catalog, pg_temp
as $$
  with request as (
    select birth_lane.identity_key(proposer) as proposer_key
      from birth_lane.approval_requests where id = p_request_id
  ),
  keyed as (
    select birth_lane.identity_key(vote.voter) as voter_key, vote.role, vote.decision, vote.id
      from birth_lane.approval_votes vote
     where vote.request_id = p_request_id
  ),
  per_voter as (
    select distinct on (keyed.voter_key)
           keyed.role,
           keyed.decision,
           bool_or(keyed.decision = 'reject') over (partition by keyed.voter_key) as rejected
      from keyed cross join request
     where keyed.voter_key <> '' and keyed.voter_key <> request.proposer_key
     order by keyed.voter_key, keyed.id desc
  )
  select
    (count(*) filter (where not rejected and role = 'president'))::integer,
    (count(*) filter (where not rejected and role = 'ai_council'))::integer,
    (count(*) filter (where not rejected))::integer,
    (count(*) filter (where rejected))::integer
  from per_voter
$$;

-- What the votes still lack under the request's effective risk, in the words evaluateQuorum()
-- uses; empty when the votes meet quorum.
create or replace function birth_lane.approval_missing_votes(p_request_id bigint)
returns text[]
language sql
stable
set search_path = pg_catalog, pg_temp
as $$
  with request as (
    select case when birth_lane.risk_rank(risk) >= birth_lane.risk_rank(birth_lane.approval_minimum_risk(action))
                then risk else birth_lane.approval_minimum_risk(action) end as risk
      from birth_lane.approval_requests where id = p_request_id
  )
  select case request.risk
           when 'high' then array_remove(array[
             case when tally.president < 1 then '1 president approval' end,
             case when tally.ai_council < 2 then format('%s ai_council approval(s)', 2 - tally.ai_council) end,
             case when tally.rejects > 0 then format('no reject (%s standing)', tally.rejects) end], null)
           when 'medium' then array_remove(array[
             case when tally.president < 1 then '1 president approval' end], null)
           else array_remove(array[
             case when tally.approvals < 1 then '1 approval' end], null)
         end
    from request cross join birth_lane.approval_tally(p_request_id) tally
$$;

-- Does this request approve its action now? Only when it exists, has not expired, was never used,
-- and its votes meet quorum (S1): high = >= 1 president + >= 2 ai_council approvals and no
-- reject; medium = >= 1 president; low = >= 1 approval; at the stronger of the request's risk and
-- its action's minimum. Unknown request: false (silence is not approval).
create or replace function birth_lane.approval_quorum_met(p_request_id bigint)
returns boolean
language sql
stable
set search_path = pg_catalog, pg_temp
as $$
  select coalesce(
    (select request.expires_at > pg_catalog.now()
            and not exists (select 1 from birth_lane.approval_uses used where used.request_id = request.id)
            and cardinality(birth_lane.approval_missing_votes(request.id)) = 0
       from birth_lane.approval_requests request
      where request.id = p_request_id),
    false)
$$;

-- The newest request for exactly this action and scope that approves it now, or null.
create or replace function birth_lane.approved_request(p_action text, p_scope jsonb)
returns bigint
language sql
stable
set search_path = pg_catalog, pg_temp
as $$
  select id
  from birth_lane.approval_requests
  where action = p_action and scope = p_scope and birth_lane.approval_quorum_met(id)
  order by id desc
  limit 1
$$;

-- Everything `birth-lane approvals show` prints, as one JSON document; null for an unknown id.
create or replace function birth_lane.approval_status(p_request_id bigint)
returns jsonb
language sql
stable
set search_path = pg_catalog, pg_temp
as $$
  select jsonb_build_object(
    'id', request.id::text,
    'action', request.action,
    'scope', request.scope,
    'risk', request.risk,
    'minimumRisk', birth_lane.approval_minimum_risk(request.action),
    'proposer', request.proposer,
    'reason', request.reason,
    'createdAt', request.created_at,
    'expiresAt', request.expires_at,
    'expired', request.expires_at <= pg_catalog.now(),
    'usedAt', used.used_at,
    'usedBy', used.used_by,
    'quorumMet', birth_lane.approval_quorum_met(request.id),
    'missing', to_jsonb(
      birth_lane.approval_missing_votes(request.id)
      || case when request.expires_at <= pg_catalog.now() then array['a request that has not expired'] else array[]::text[] end
      || case when used.request_id is not null then array['a request not used before'] else array[]::text[] end),
    'counted', (select jsonb_build_object('president', tally.president, 'aiCouncil', tally.ai_council,
                                          'approvals', tally.approvals, 'rejects', tally.rejects)
                  from birth_lane.approval_tally(request.id) tally),
    'votes', coalesce((
      select jsonb_agg(jsonb_build_object(
               'id', vote.id::text, 'voter', vote.voter, 'role', vote.role, 'decision', vote.decision,
               'comment', vote.comment, 'castAt', vote.cast_at) order by vote.id)
        from birth_lane.approval_votes vote where vote.request_id = request.id), '[]'::jsonb))
  from birth_lane.approval_requests request
  left join birth_lane.approval_uses used on used.request_id = request.id
  where request.id = p_request_id
$$;

-- A request, proposed by the caller's login. EXECUTE: governance and the approver roles (0004).
-- Not for action 'promotion': only the certify trigger files promotion requests (proposer
-- birth_lane.certify_consumer), for a row whose stamps have just completed; a request filed by a
-- person ahead of time could be approved for a row that does not exist yet. An expired promotion
-- request is filed again by birth_lane.refile_promotion_requests (the certify consumer).
create or replace function birth_lane.request_approval(
  p_action text, p_scope jsonb, p_risk text, p_reason text, p_expires_in interval default interval '7 days')
returns bigint
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  new_id bigint;
  new_expiry timestamptz;
begin
  if birth_lane.identity_key(session_user) = '' then
    raise exception using errcode = 'BL003', constraint = 'approval_identity',
      message = 'birth_lane.request_approval: the login has an empty identity key';
  end if;
  if p_action is null or birth_lane.approval_minimum_risk(p_action) is null
     or p_action not in ('backlog_pass', 'backlog_rollback', 'gate_flip', 'stamp_materialisation', 'promotion', 'install_step',
                         'rule_set_activation') then
    raise exception using errcode = 'BL003', constraint = 'approval_action',
      message = format('birth_lane.request_approval: unknown action %L', p_action);
  end if;
  if p_action = 'promotion' then
    raise exception using errcode = 'BL003', constraint = 'approval_promotion_filed_by_lane',
      message = 'birth_lane.request_approval: promotion requests are filed only by the certify consumer, when a '
                'canonical row''s stamps complete; re-file expired ones with birth_lane.refile_promotion_requests()';
  end if;
  if p_risk is null or birth_lane.risk_rank(p_risk) is null then
    raise exception using errcode = 'BL003', constraint = 'approval_risk',
      message = format('birth_lane.request_approval: risk %L must be low, medium or high', p_risk);
  end if;
  if birth_lane.risk_rank(p_risk) < birth_lane.risk_rank(birth_lane.approval_minimum_risk(p_action)) then
    raise exception using errcode = 'BL003', constraint = 'approval_minimum_risk',
      message = format('birth_lane.request_approval: %s needs at least %s risk, not %s',
                       p_action, birth_lane.approval_minimum_risk(p_action), p_risk);
  end if;
  if p_scope is null or jsonb_typeof(p_scope) <> 'object' or p_scope = '{}'::jsonb then
    raise exception using errcode = 'BL003', constraint = 'approval_scope',
      message = 'birth_lane.request_approval: the scope must be a non-empty JSON object; an approval is never blanket';
  end if;
  -- Flat scopes only, as approvalScopeSchema says: equality of nested values is easy to get wrong.
  if exists (select 1 from pg_catalog.jsonb_each(p_scope) entry where pg_catalog.jsonb_typeof(entry.value) in ('object', 'array')) then
    raise exception using errcode = 'BL003', constraint = 'approval_scope',
      message = 'birth_lane.request_approval: scope values must be strings, numbers, booleans or null';
  end if;
  -- A reason made only of white space or invisible characters (U+200B...) says nothing: the
  -- identity key removes exactly those, so an empty key is an empty reason (approval.ts agrees).
  if p_reason is null or birth_lane.identity_key(p_reason) = '' then
    raise exception using errcode = 'BL003', constraint = 'approval_reason',
      message = 'birth_lane.request_approval: say why (p_reason), in visible characters';
  end if;
  if p_expires_in is null or p_expires_in < interval '1 minute' or p_expires_in > interval '30 days' then
    raise exception using errcode = 'BL003', constraint = 'approval_expiry',
      message = format('birth_lane.request_approval: expires in %s; allowed from 1 minute to 30 days', p_expires_in);
  end if;

  new_expiry := pg_catalog.now() + p_expires_in;
  insert into birth_lane.approval_requests (action, scope, risk, proposer, reason, expires_at)
  values (p_action, p_scope, p_risk, session_user, p_reason, new_expiry)
  returning id into new_id;

  insert into birth_lane.evidence (kind, message, payload)
  values ('approval_requested', format('approval request %s: %s by %s', new_id, p_action, session_user),
          jsonb_build_object('kind', 'approval_requested', 'approvalRequestId', new_id::text,
                             'action', p_action, 'scope', p_scope, 'risk', p_risk,
                             'proposer', session_user::text, 'expiresAt', new_expiry));
  return new_id;
end;
$$;
revoke all on function birth_lane.request_approval(text, jsonb, text, text, interval) from public;

-- A vote, cast by the caller's login in an approver role it holds. EXECUTE: the approver roles
-- and governance (0004); holding the role is checked here, at the time of the vote.
create or replace function birth_lane.cast_vote(
  p_request_id bigint, p_decision text, p_comment text default null, p_role text default null)
returns bigint
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  request birth_lane.approval_requests%rowtype;
  voter_key text := birth_lane.identity_key(session_user);
  vote_role text;
  new_id bigint;
begin
  -- The row lock orders this vote against a concurrent use of the same request.
  select * into request from birth_lane.approval_requests where id = p_request_id for update;
  if not found then
    raise exception using errcode = 'BL003', constraint = 'approval_request_exists',
      message = format('birth_lane.cast_vote: no approval request with id %s', p_request_id);
  end if;
  if exists (select 1 from birth_lane.approval_uses where request_id = request.id) then
    raise exception using errcode = 'BL003', constraint = 'approval_request_open',
      message = format('birth_lane.cast_vote: approval request %s was already used; it takes no more votes', request.id);
  end if;
  if request.expires_at <= pg_catalog.now() then
    raise exception using errcode = 'BL003', constraint = 'approval_request_open',
      message = format('birth_lane.cast_vote: approval request %s expired at %s', request.id, request.expires_at);
  end if;
  if p_decision is null or p_decision not in ('approve', 'reject') then
    raise exception using errcode = 'BL003', constraint = 'approval_vote_decision',
      message = format('birth_lane.cast_vote: decision %L must be approve or reject', p_decision);
  end if;
  if voter_key = '' then
    raise exception using errcode = 'BL003', constraint = 'approval_identity',
      message = 'birth_lane.cast_vote: the login has an empty identity key';
  end if;
  -- A superuser passes pg_has_role for every role, so it would vote as president without anyone
  -- granting it that: an administrator's login is not a person's approver login.
  if coalesce((select rolsuper from pg_catalog.pg_roles where rolname = session_user), false) then
    raise exception using errcode = 'BL003', constraint = 'approval_superuser_vote',
      message = format('birth_lane.cast_vote: %s is a superuser, which holds every role implicitly; vote with a '
                       'personal login holding the approver role (birth-lane approvers grant <login> --as <role>)',
                       session_user);
  end if;
  if voter_key = birth_lane.identity_key(request.proposer) then
    raise exception using errcode = 'BL003', constraint = 'approval_proposer_vote',
      message = format('birth_lane.cast_vote: %s proposed request %s (or is the same identity); the proposer never votes',
                       session_user, request.id);
  end if;

  -- The role: one the login holds now, by membership in birth_lane_<role>; by default the strongest.
  if p_role is null then
    vote_role := case
      when pg_catalog.pg_has_role(session_user, 'birth_lane_president', 'MEMBER') then 'president'
      when pg_catalog.pg_has_role(session_user, 'birth_lane_ai_council', 'MEMBER') then 'ai_council'
      when pg_catalog.pg_has_role(session_user, 'birth_lane_approver', 'MEMBER') then 'approver'
    end;
    if vote_role is null then
      raise exception using errcode = 'BL003', constraint = 'approval_voter_role',
        message = format('birth_lane.cast_vote: %s holds no approver role (birth_lane_president, birth_lane_ai_council, birth_lane_approver)', session_user);
    end if;
  elsif p_role not in ('president', 'ai_council', 'approver')
        or not pg_catalog.pg_has_role(session_user, 'birth_lane_' || p_role, 'MEMBER') then
    raise exception using errcode = 'BL003', constraint = 'approval_voter_role',
      message = format('birth_lane.cast_vote: %s does not hold the approver role %L', session_user, p_role);
  else
    vote_role := p_role;
  end if;

  -- A reject stands until the request closes: the voter cannot withdraw it or vote again.
  if exists (select 1 from birth_lane.approval_votes
              where request_id = request.id and decision = 'reject'
                and birth_lane.identity_key(voter) = voter_key) then
    raise exception using errcode = 'BL003', constraint = 'approval_reject_stands',
      message = format('birth_lane.cast_vote: %s rejected request %s; a reject stands until the request closes',
                       session_user, request.id);
  end if;

  insert into birth_lane.approval_votes (request_id, voter, role, decision, comment)
  values (request.id, session_user, vote_role, p_decision, p_comment)
  returning id into new_id;

  insert into birth_lane.evidence (kind, message, payload)
  values ('approval_voted', format('approval request %s: %s by %s as %s', request.id, p_decision, session_user, vote_role),
          jsonb_build_object('kind', 'approval_voted', 'approvalRequestId', request.id::text, 'voteId', new_id::text,
                             'voter', session_user::text, 'role', vote_role, 'decision', p_decision));
  return new_id;
end;
$$;
revoke all on function birth_lane.cast_vote(bigint, text, text, text) from public;

-- Uses an approval for exactly this action and scope, once. Raises BL003 (the CONSTRAINT field
-- names the rule) unless the request exists, matches, has not expired, meets quorum and was never
-- used. Not granted to anyone: only the lane owner's own SECURITY DEFINER functions (promote,
-- rule-set activation) and the owner itself call it, inside the transaction doing the operation.
create or replace function birth_lane.consume_approval(p_request_id bigint, p_action text, p_scope jsonb)
returns void
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  request birth_lane.approval_requests%rowtype;
begin
  select * into request from birth_lane.approval_requests where id = p_request_id for update;
  if not found then
    raise exception using errcode = 'BL003', constraint = 'approval_request_exists',
      message = format('no approval request with id %s', p_request_id);
  end if;
  if request.action is distinct from p_action then
    raise exception using errcode = 'BL003', constraint = 'approval_action_matches',
      message = format('approval request %s is for %s, not %s', request.id, request.action, p_action);
  end if;
  if request.scope is distinct from p_scope then
    raise exception using errcode = 'BL003', constraint = 'approval_scope_matches',
      message = format('approval request %s covers scope %s, not %s', request.id, request.scope, p_scope);
  end if;
  if exists (select 1 from birth_lane.approval_uses where request_id = request.id) then
    raise exception using errcode = 'BL003', constraint = 'approval_single_use',
      message = format('approval request %s was already used; propose a new request', request.id);
  end if;
  if request.expires_at <= pg_catalog.now() then
    raise exception using errcode = 'BL003', constraint = 'approval_not_expired',
      message = format('approval request %s expired at %s; propose a new request', request.id, request.expires_at);
  end if;
  if not birth_lane.approval_quorum_met(request.id) then
    raise exception using errcode = 'BL003', constraint = 'approval_quorum',
      message = format('approval request %s has not met quorum: still needs %s', request.id,
                       array_to_string(birth_lane.approval_missing_votes(request.id), ', '));
  end if;

  insert into birth_lane.approval_uses (request_id, action, scope) values (request.id, p_action, p_scope);
  insert into birth_lane.evidence (kind, message, payload)
  values ('approval_used', format('approval request %s used for %s by %s', request.id, p_action, session_user),
          jsonb_build_object('kind', 'approval_used', 'approvalRequestId', request.id::text,
                             'action', p_action, 'scope', p_scope, 'usedBy', session_user::text));
end;
$$;
revoke all on function birth_lane.consume_approval(bigint, text, jsonb) from public;
