-- Why: separation by privilege. Each writer of the lane gets a role that can touch only its own
-- columns, so a buggy or malicious client holding, say, the producer's role cannot certify or
-- mint anything, whatever SQL it sends. Roles are NOLOGIN: grant them to your login roles.
-- The approver roles (birth_lane_president, _ai_council, _approver) are created here too (see below).
-- Roles are cluster-wide, so creating them tolerates a concurrent creator.
do $$
declare
  role_name text;
begin
  foreach role_name in array array['birth_lane_birth', 'birth_lane_producer', 'birth_lane_promoter', 'birth_lane_governance', 'birth_lane_reader',
                                   'birth_lane_president', 'birth_lane_ai_council', 'birth_lane_approver']
  loop
    if not exists (select 1 from pg_roles where rolname = role_name) then
      begin
        execute format('create role %I nologin', role_name);
      exception when duplicate_object or unique_violation then
        null; -- another installer created it first
      end;
    end if;
  end loop;
end
$$;

revoke all on public.birth_registry from public;
grant usage on schema birth_lane to birth_lane_birth, birth_lane_producer, birth_lane_promoter, birth_lane_governance, birth_lane_reader;

-- B1 birth: mint identity roots only through birth_lane.mint_birth / mint_births (SECURITY
-- DEFINER, granted in the birth block), which check identity the same way the TypeScript block
-- does and have no parameter for a stamp, certified or canonical column. No INSERT on the
-- registry, no USAGE on its sequence (revoked too, for a re-install).
grant select (id, entity_code) on public.birth_registry to birth_lane_birth;
revoke insert on public.birth_registry from birth_lane_birth;
revoke usage on sequence public.birth_registry_id_seq from birth_lane_birth;

-- B2 producer: reads everything and writes nothing directly. A stamp is set, and a failure
-- recorded, only by the inspection itself: birth_lane.inspect_batch (compiled from the active
-- rule set, SECURITY DEFINER) with begin_run/finish_run; EXECUTE on those is granted where they
-- are created (inspect-producer). The revokes take back what earlier installs granted.
grant select on public.birth_registry to birth_lane_producer;
revoke update (inspect_pen, inspect_stamp, inspect_gate) on public.birth_registry from birth_lane_producer;
grant select on birth_lane.evidence to birth_lane_producer;
revoke insert on birth_lane.evidence from birth_lane_producer;
revoke usage on sequence birth_lane.evidence_id_seq from birth_lane_producer;

-- Promotion: reads the registry; certifies only through the consumer's promote function (granted there).
grant select on public.birth_registry to birth_lane_promoter;
-- ... and reads the approval it is about to use (`birth-lane approvals show`): approval_status is an
-- invoker's function over the three approval tables.
grant select on birth_lane.approval_requests, birth_lane.approval_votes, birth_lane.approval_uses to birth_lane_promoter;
grant execute on function birth_lane.approval_status(bigint), birth_lane.approval_quorum_met(bigint),
  birth_lane.approval_missing_votes(bigint), birth_lane.approval_tally(bigint) to birth_lane_promoter;

-- Governance: propose approvals and read them, read evidence. Requests and votes are written only
-- through request_approval/cast_vote, which take the proposer and voter from session_user: no lane
-- role holds INSERT on an approval table or USAGE on its sequences (revoked too, for a re-install).
revoke insert, update, delete, truncate, references, trigger
  on birth_lane.approval_requests, birth_lane.approval_votes, birth_lane.approval_uses
  from birth_lane_birth, birth_lane_producer, birth_lane_promoter, birth_lane_governance, birth_lane_reader;
revoke all on sequence birth_lane.approval_requests_id_seq, birth_lane.approval_votes_id_seq
  from birth_lane_birth, birth_lane_producer, birth_lane_promoter, birth_lane_governance, birth_lane_reader;
grant select on birth_lane.approval_requests, birth_lane.approval_votes, birth_lane.approval_uses to birth_lane_governance;
grant execute on function birth_lane.request_approval(text, jsonb, text, text, interval),
  birth_lane.cast_vote(bigint, text, text, text) to birth_lane_governance;
grant select on birth_lane.evidence to birth_lane_governance;

-- Approvers: holding birth_lane_president, birth_lane_ai_council or birth_lane_approver is being an
-- approver of that kind (S1). An administrator grants them to people's own logins
-- (`birth-lane approvers grant <login> --as president`); cast_vote checks the membership itself.
-- They are created with the lane roles at the top of this file.
grant usage on schema birth_lane to birth_lane_president, birth_lane_ai_council, birth_lane_approver;
grant select on birth_lane.approval_requests, birth_lane.approval_votes, birth_lane.approval_uses
  to birth_lane_president, birth_lane_ai_council, birth_lane_approver;
grant execute on function birth_lane.request_approval(text, jsonb, text, text, interval),
  birth_lane.cast_vote(bigint, text, text, text)
  to birth_lane_president, birth_lane_ai_council, birth_lane_approver;

-- Reader: dashboards and status.
grant select on public.birth_registry, birth_lane.evidence, birth_lane.approval_requests, birth_lane.approval_votes,
  birth_lane.approval_uses to birth_lane_reader;

-- Evidence (S7): no lane role inserts into the log or draws its ids, whatever was granted before
-- (this loop also covers roles added later, such as the approver roles). Every record is written
-- by the lane's own SECURITY DEFINER functions, each only its own kinds; a `note` is the one kind
-- a client appends, through birth_lane.append_note, which records the login as its writer.
do $$
declare
  lane_role text;
begin
  revoke all on birth_lane.evidence from public;
  revoke all on sequence birth_lane.evidence_id_seq from public;
  for lane_role in select rolname from pg_catalog.pg_roles where rolname like 'birth\_lane\_%' loop
    execute format('revoke insert, update, delete, truncate, references, trigger on birth_lane.evidence from %I', lane_role);
    execute format('revoke all on sequence birth_lane.evidence_id_seq from %I', lane_role);
  end loop;
end
$$;
grant execute on function birth_lane.append_note(text, jsonb, uuid)
  to birth_lane_producer, birth_lane_promoter, birth_lane_governance;
