-- Why: every write-enabled move (backlog pass, gate flip, stamp materialisation, promotion,
-- install step) needs an approval for that action and scope (S1). Requests and votes are
-- append-only so the record of who approved what cannot be rewritten afterwards.
create schema if not exists birth_lane;

create table if not exists birth_lane.approval_requests (
  id bigserial primary key,
  action text not null,
  scope jsonb not null,
  risk text not null,
  proposer text not null,
  reason text not null,
  created_at timestamptz not null default now(),
  constraint approval_requests_action_check check (
    action in ('backlog_pass', 'gate_flip', 'stamp_materialisation', 'promotion', 'install_step', 'rule_set_activation')
  ),
  constraint approval_requests_scope_check check (jsonb_typeof(scope) = 'object' and scope <> '{}'::jsonb),
  constraint approval_requests_risk_check check (risk in ('low', 'medium', 'high')),
  constraint approval_requests_proposer_check check (btrim(proposer) <> ''),
  constraint approval_requests_reason_check check (btrim(reason) <> '')
);
create index if not exists approval_requests_action_scope_idx on birth_lane.approval_requests (action, scope);

create table if not exists birth_lane.approval_votes (
  id bigserial primary key,
  request_id bigint not null references birth_lane.approval_requests (id),
  voter text not null,
  role text not null,
  decision text not null,
  comment text,
  cast_at timestamptz not null default clock_timestamp(),
  constraint approval_votes_role_check check (role in ('president', 'ai_council', 'member')),
  constraint approval_votes_decision_check check (decision in ('approve', 'reject')),
  constraint approval_votes_voter_check check (btrim(voter) <> '')
);
create index if not exists approval_votes_request_idx on birth_lane.approval_votes (request_id);

drop trigger if exists approval_requests_append_only on birth_lane.approval_requests;
create trigger approval_requests_append_only
  before update or delete on birth_lane.approval_requests
  for each row execute function birth_lane.refuse_change_to_append_only();
drop trigger if exists approval_votes_append_only on birth_lane.approval_votes;
create trigger approval_votes_append_only
  before update or delete on birth_lane.approval_votes
  for each row execute function birth_lane.refuse_change_to_append_only();

-- The quorum rule, the same as evaluateQuorum() in the contract package: a voter's latest vote
-- counts once; the proposer never counts; high = 1 president + 2 ai_council and no reject;
-- medium = 1 president; low = 1 approval. Unknown request: false (silence is not approval).
create or replace function birth_lane.approval_quorum_met(p_request_id bigint)
returns boolean
language sql
stable
as $$
  with request as (
    select risk, lower(btrim(proposer)) as proposer
    from birth_lane.approval_requests
    where id = p_request_id
  ),
  latest as (
    select distinct on (lower(btrim(vote.voter))) vote.role, vote.decision
    from birth_lane.approval_votes vote
    cross join request
    where vote.request_id = p_request_id
      and lower(btrim(vote.voter)) <> request.proposer
    order by lower(btrim(vote.voter)), vote.cast_at desc, vote.id desc
  ),
  tally as (
    select
      count(*) filter (where decision = 'approve' and role = 'president') as president,
      count(*) filter (where decision = 'approve' and role = 'ai_council') as ai_council,
      count(*) filter (where decision = 'approve') as approvals,
      count(*) filter (where decision = 'reject') as rejects
    from latest
  )
  select coalesce(
    (select case request.risk
              when 'high' then tally.president >= 1 and tally.ai_council >= 2 and tally.rejects = 0
              when 'medium' then tally.president >= 1
              else tally.approvals >= 1
            end
       from request cross join tally),
    false)
$$;

-- The newest request for exactly this action and scope whose quorum is met, or null.
create or replace function birth_lane.approved_request(p_action text, p_scope jsonb)
returns bigint
language sql
stable
as $$
  select id
  from birth_lane.approval_requests
  where action = p_action and scope = p_scope and birth_lane.approval_quorum_met(id)
  order by id desc
  limit 1
$$;
