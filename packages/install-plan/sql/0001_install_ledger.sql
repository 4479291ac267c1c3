-- Why: an install changes a database that already holds a registry's most valuable data, so who
-- rehearsed, applied and rolled back which exact step version, with whose approval, must be on
-- record and impossible to forge. The ledger's tables are append-only (TRUNCATE included) and
-- written only through the SECURITY DEFINER functions below: they take the login from
-- session_user, set ids and times themselves, check that the caller holds birth_lane_installer,
-- and consume the step's approval in the same transaction as the step's own change, so an
-- approval missing at the moment of commit rolls the step back.
create schema if not exists birth_lane;

do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'birth_lane_installer') then
    begin
      create role birth_lane_installer nologin;
    exception when duplicate_object or unique_violation then
      null; -- another installer created it first
    end;
  end if;
end
$$;

-- The previous release's ledger (contract installSteps): kept in step with this one, so a
-- database installed either way answers "is step X applied?" the same. Its writer is the owner.
create table if not exists birth_lane.applied_steps (
  step_id text primary key,
  digest text not null,
  applied_at timestamptz not null default now(),
  applied_by text not null default current_user
);

-- Each rehearsal: the step version, the catalog hash on entry, after the mutation, and on exit
-- (after the rollback). A passed rehearsal has entry = exit: the proof it left nothing behind.
create table if not exists birth_lane.install_rehearsals (
  id bigserial primary key,
  step_id text not null,
  version_hash text not null,
  passed boolean not null,
  entry_hash text not null,
  mutated_hash text,
  exit_hash text not null,
  stop_condition text,
  detail jsonb not null default '{}'::jsonb,
  rehearsed_by text not null default session_user,
  rehearsed_at timestamptz not null default clock_timestamp(),
  constraint install_rehearsals_proof_check check (not passed or (entry_hash = exit_hash and stop_condition is null)),
  constraint install_rehearsals_hash_check check (version_hash ~ '^[0-9a-f]{64}$')
);
create index if not exists install_rehearsals_step_idx on birth_lane.install_rehearsals (step_id, version_hash);

-- Each application: the step version, its approval (none for a bootstrap or adopted step), the
-- rehearsal it rests on, and the catalog before and after (the rollback must restore `before`;
-- verify compares the live catalog with the last `after`).
create table if not exists birth_lane.install_applications (
  id bigserial primary key,
  step_id text not null,
  version_hash text not null,
  kind text not null,
  approval_id bigint references birth_lane.approval_requests (id),
  rehearsal_id bigint references birth_lane.install_rehearsals (id),
  prerequisites text[] not null default '{}',
  plan_hash text not null,
  before_hash text not null,
  after_hash text not null,
  before_snapshot jsonb not null,
  after_snapshot jsonb not null,
  applied_by text not null default session_user,
  applied_at timestamptz not null default clock_timestamp(),
  constraint install_applications_kind_check check (kind in ('approved', 'bootstrap', 'adopted')),
  constraint install_applications_approval_check check ((kind = 'approved') = (approval_id is not null))
);
create index if not exists install_applications_step_idx on birth_lane.install_applications (step_id);

create table if not exists birth_lane.install_rollbacks (
  id bigserial primary key,
  application_id bigint not null unique references birth_lane.install_applications (id),
  step_id text not null,
  version_hash text not null,
  approval_id bigint not null references birth_lane.approval_requests (id),
  restored_hash text not null,
  rolled_back_by text not null default session_user,
  rolled_back_at timestamptz not null default clock_timestamp()
);

revoke all on birth_lane.install_rehearsals, birth_lane.install_applications, birth_lane.install_rollbacks from public;
revoke all on sequence birth_lane.install_rehearsals_id_seq, birth_lane.install_applications_id_seq,
  birth_lane.install_rollbacks_id_seq from public;
grant usage on schema birth_lane to birth_lane_installer;
grant select on birth_lane.install_rehearsals, birth_lane.install_applications, birth_lane.install_rollbacks
  to birth_lane_installer, birth_lane_reader;
grant select on birth_lane.applied_steps to birth_lane_installer;

drop trigger if exists install_rehearsals_append_only on birth_lane.install_rehearsals;
create trigger install_rehearsals_append_only before update or delete on birth_lane.install_rehearsals
  for each row execute function birth_lane.refuse_change_to_append_only();
drop trigger if exists install_rehearsals_no_truncate on birth_lane.install_rehearsals;
create trigger install_rehearsals_no_truncate before truncate on birth_lane.install_rehearsals
  for each statement execute function birth_lane.refuse_change_to_append_only();
drop trigger if exists install_applications_append_only on birth_lane.install_applications;
create trigger install_applications_append_only before update or delete on birth_lane.install_applications
  for each row execute function birth_lane.refuse_change_to_append_only();
drop trigger if exists install_applications_no_truncate on birth_lane.install_applications;
create trigger install_applications_no_truncate before truncate on birth_lane.install_applications
  for each statement execute function birth_lane.refuse_change_to_append_only();
drop trigger if exists install_rollbacks_append_only on birth_lane.install_rollbacks;
create trigger install_rollbacks_append_only before update or delete on birth_lane.install_rollbacks
  for each row execute function birth_lane.refuse_change_to_append_only();
drop trigger if exists install_rollbacks_no_truncate on birth_lane.install_rollbacks;
create trigger install_rollbacks_no_truncate before truncate on birth_lane.install_rollbacks
  for each statement execute function birth_lane.refuse_change_to_append_only();

-- The steps that must run before approvals can exist (the registry, evidence, approvals, roles,
-- and this ledger). Fixed here, not passed by the caller: a caller cannot call a step bootstrap.
create or replace function birth_lane.install_bootstrap_steps()
returns text[]
language sql
immutable
set search_path = pg_catalog, pg_temp
as $$
  select array['contract/0001_registry', 'contract/0002_evidence', 'contract/0003_approvals',
               'contract/0004_roles', 'install-plan/0001_install_ledger']
$$;
revoke all on function birth_lane.install_bootstrap_steps() from public;

-- The caller must hold birth_lane_installer (membership; a superuser holds every role).
create or replace function birth_lane.install_assert_installer(p_what text)
returns void
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
begin
  if not pg_catalog.pg_has_role(session_user, 'birth_lane_installer', 'MEMBER') then
    raise exception using errcode = 'BL003', constraint = 'install_installer_role',
      message = format('%s: %s does not hold birth_lane_installer', p_what, session_user);
  end if;
end;
$$;
revoke all on function birth_lane.install_assert_installer(text) from public;

-- The application of a step that is in place now: its latest application, unless rolled back.
create or replace function birth_lane.install_active_application(p_step text)
returns bigint
language sql
stable
set search_path = pg_catalog, pg_temp
as $$
  select a.id from birth_lane.install_applications a
   where a.step_id = p_step
     and not exists (select 1 from birth_lane.install_rollbacks r where r.application_id = a.id)
   order by a.id desc limit 1
$$;
revoke all on function birth_lane.install_active_application(text) from public;

create or replace function birth_lane.record_install_rehearsal(
  p_step text, p_version_hash text, p_passed boolean, p_entry_hash text, p_mutated_hash text,
  p_exit_hash text, p_stop_condition text, p_detail jsonb)
returns bigint
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  new_id bigint;
begin
  perform birth_lane.install_assert_installer('birth_lane.record_install_rehearsal');
  insert into birth_lane.install_rehearsals
    (step_id, version_hash, passed, entry_hash, mutated_hash, exit_hash, stop_condition, detail)
  values (p_step, p_version_hash, p_passed, p_entry_hash, p_mutated_hash, p_exit_hash, p_stop_condition,
          coalesce(p_detail, '{}'::jsonb))
  returning id into new_id;
  return new_id;
end;
$$;
revoke all on function birth_lane.record_install_rehearsal(text, text, boolean, text, text, text, text, jsonb) from public;

-- The approval consumed for a step must carry at least the step's risk. The database cannot know a
-- step's definition: the risk (like the version hash, which the approval's scope names) is the one
-- the installer declares, i.e. the one the plan showed the approvers.
create or replace function birth_lane.install_assert_approval_risk(p_step text, p_approval_id bigint, p_risk text)
returns void
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  approved_risk text;
begin
  if p_risk is null or birth_lane.risk_rank(p_risk) is null then
    raise exception using errcode = 'BL003', constraint = 'install_step_risk',
      message = format('install step %s: risk must be low, medium or high (got %s)', p_step, coalesce(p_risk, 'null'));
  end if;
  select r.risk into approved_risk from birth_lane.approval_requests r where r.id = p_approval_id;
  if found and birth_lane.risk_rank(approved_risk) < birth_lane.risk_rank(p_risk) then
    raise exception using errcode = 'BL003', constraint = 'approval_risk_below_step',
      message = format('install step %s is %s risk; approval %s was approved at %s risk, which is below it',
                       p_step, p_risk, p_approval_id, approved_risk);
  end if;
end;
$$;
revoke all on function birth_lane.install_assert_approval_risk(text, bigint, text) from public;
-- The installer asks before it runs a step's SQL (a clear refusal first; the recording functions ask again).
grant execute on function birth_lane.install_assert_approval_risk(text, bigint, text) to birth_lane_installer;

-- Records one applied step, in the transaction that applied it. Refuses (BL003, the CONSTRAINT
-- names the rule) unless: the caller is an installer; the step is not in place already; its
-- latest rehearsal of this exact version passed; and either it is a bootstrap step while no
-- other kind of step was ever applied (the window closes for good), or its approval — action
-- install_step, scope exactly {step, versionHash} — meets quorum, was not voted for by the login
-- applying it, and is consumed now (single use).
create or replace function birth_lane.record_install_step(
  p_step text, p_version_hash text, p_approval_id bigint, p_prerequisites text[], p_plan_hash text,
  p_before_hash text, p_after_hash text, p_before_snapshot jsonb, p_after_snapshot jsonb, p_legacy_digest text,
  p_risk text)
returns bigint
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  rehearsal birth_lane.install_rehearsals%rowtype;
  unmet text;
  step_kind text;
  new_id bigint;
begin
  perform birth_lane.install_assert_installer('birth_lane.record_install_step');
  -- One installer at a time: the ledger's own check-then-insert must not interleave.
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('birth_lane.install_ledger'));
  -- The prerequisites it names must be in place (the rollback order rests on them). The database
  -- cannot know a step's definition, so a caller could still name fewer: install verify and the
  -- installer's own plan are the check for that. Bootstrap steps are exempt: on an upgrade their
  -- prerequisites are adopted from the previous ledger only after the ledger step is recorded.
  select pr into unmet from unnest(coalesce(p_prerequisites, '{}')) as pr
   where birth_lane.install_active_application(pr) is null limit 1;
  if found and p_approval_id is not null then
    raise exception using errcode = 'BL003', constraint = 'install_prerequisites_applied',
      message = format('install step %s: its prerequisite %s is not applied', p_step, unmet);
  end if;
  if p_approval_id is null then
    if not (p_step = any (birth_lane.install_bootstrap_steps())) then
      raise exception using errcode = 'BL003', constraint = 'install_approval_present',
        message = format('install step %s needs an install_step approval; only bootstrap steps go without', p_step);
    end if;
    if exists (select 1 from birth_lane.install_applications where kind = 'approved') then
      raise exception using errcode = 'BL003', constraint = 'install_bootstrap_window',
        message = format('install step %s: the bootstrap window is closed (an approved step was applied); it needs an approval now', p_step);
    end if;
    step_kind := 'bootstrap';
  else
    if exists (select 1 from birth_lane.approval_votes v
                where v.request_id = p_approval_id and v.decision = 'approve'
                  and birth_lane.identity_key(v.voter) = birth_lane.identity_key(session_user)) then
      raise exception using errcode = 'BL003', constraint = 'install_no_self_approval',
        message = format('install step %s: %s voted for approval %s and may not apply it (no self-approval)',
                         p_step, session_user, p_approval_id);
    end if;
    perform birth_lane.install_assert_approval_risk(p_step, p_approval_id, p_risk);
    -- Quorum, scope exactly {step, versionHash}, not expired, single use (the proposer's own votes never count).
    perform birth_lane.consume_approval(p_approval_id, 'install_step',
      jsonb_build_object('step', p_step, 'versionHash', p_version_hash));
    step_kind := 'approved';
  end if;
  if birth_lane.install_active_application(p_step) is not null then
    raise exception using errcode = 'BL003', constraint = 'install_step_not_applied',
      message = format('install step %s is already applied; roll it back first to apply another version', p_step);
  end if;
  select * into rehearsal from birth_lane.install_rehearsals
   where step_id = p_step and version_hash = p_version_hash order by id desc limit 1;
  -- A rehearsal proves the state it ran on: one rehearsal, one apply (a step rolled back and
  -- applied again is rehearsed again).
  if not found or not rehearsal.passed
     or exists (select 1 from birth_lane.install_applications a where a.rehearsal_id = rehearsal.id) then
    raise exception using errcode = 'BL003', constraint = 'install_step_rehearsed',
      message = format('install step %s (version %s) has no passed rehearsal since it was last applied%s', p_step,
                       left(p_version_hash, 12), case when found and not rehearsal.passed
                                                      then format(' (rehearsal %s failed)', rehearsal.id) else '' end);
  end if;
  insert into birth_lane.install_applications
    (step_id, version_hash, kind, approval_id, rehearsal_id, prerequisites, plan_hash, before_hash, after_hash,
     before_snapshot, after_snapshot)
  values (p_step, p_version_hash, step_kind, p_approval_id, rehearsal.id, coalesce(p_prerequisites, '{}'), p_plan_hash,
          p_before_hash, p_after_hash, p_before_snapshot, p_after_snapshot)
  returning id into new_id;
  -- The previous release's ledger, kept in step (its readers ask "is step X applied?").
  insert into birth_lane.applied_steps (step_id, digest, applied_by) values (p_step, p_legacy_digest, session_user)
  on conflict (step_id) do update set digest = excluded.digest, applied_at = now(), applied_by = session_user;
  insert into birth_lane.evidence (kind, check_id, message, payload)
  values ('note', 'install.step', format('install step %s applied (%s) by %s', p_step, step_kind, session_user),
          jsonb_build_object('kind', 'note', 'topic', 'install.step', 'payload',
            jsonb_build_object('step', p_step, 'versionHash', p_version_hash, 'applicationKind', step_kind,
                               'approvalRequestId', p_approval_id::text, 'appliedBy', session_user::text)));
  return new_id;
end;
$$;
revoke all on function birth_lane.record_install_step(text, text, bigint, text[], text, text, text, jsonb, jsonb, text, text) from public;

-- Upgrades from a release whose installer kept only birth_lane.applied_steps: a step recorded
-- there with this exact digest is adopted as applied (no approval existed then), once.
create or replace function birth_lane.adopt_install_step(
  p_step text, p_version_hash text, p_legacy_digest text, p_prerequisites text[], p_plan_hash text,
  p_snapshot_hash text, p_snapshot jsonb)
returns bigint
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  new_id bigint;
begin
  perform birth_lane.install_assert_installer('birth_lane.adopt_install_step');
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('birth_lane.install_ledger'));
  if pg_catalog.to_regclass('birth_lane.applied_steps') is null then
    raise exception using errcode = 'BL003', constraint = 'install_adopt_recorded',
      message = format('install step %s: there is no earlier ledger (birth_lane.applied_steps) to adopt from', p_step);
  end if;
  if exists (select 1 from birth_lane.install_applications where step_id = p_step) then
    raise exception using errcode = 'BL003', constraint = 'install_adopt_once',
      message = format('install step %s is already on the install ledger', p_step);
  end if;
  execute 'select 1 from birth_lane.applied_steps where step_id = $1 and digest = $2' using p_step, p_legacy_digest;
  if not found then
    raise exception using errcode = 'BL003', constraint = 'install_adopt_recorded',
      message = format('install step %s with digest %s is not in birth_lane.applied_steps', p_step, left(p_legacy_digest, 12));
  end if;
  insert into birth_lane.install_applications
    (step_id, version_hash, kind, prerequisites, plan_hash, before_hash, after_hash, before_snapshot, after_snapshot)
  values (p_step, p_version_hash, 'adopted', coalesce(p_prerequisites, '{}'), p_plan_hash, p_snapshot_hash,
          p_snapshot_hash, p_snapshot, p_snapshot)
  returning id into new_id;
  return new_id;
end;
$$;
revoke all on function birth_lane.adopt_install_step(text, text, text, text[], text, text, jsonb) from public;

-- Records a rollback, in the transaction that ran it: consumes an install_step approval with
-- scope exactly {step, versionHash, operation: rollback}, and refuses while a step that depends on
-- this one is still in place (undo in reverse dependency order).
create or replace function birth_lane.record_install_rollback(
  p_step text, p_version_hash text, p_approval_id bigint, p_restored_hash text, p_risk text)
returns bigint
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  application birth_lane.install_applications%rowtype;
  dependant text;
  new_id bigint;
begin
  perform birth_lane.install_assert_installer('birth_lane.record_install_rollback');
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('birth_lane.install_ledger'));
  select * into application from birth_lane.install_applications
   where id = birth_lane.install_active_application(p_step);
  if not found then
    raise exception using errcode = 'BL003', constraint = 'install_step_applied',
      message = format('install step %s is not applied; nothing to roll back', p_step);
  end if;
  if application.version_hash <> p_version_hash then
    raise exception using errcode = 'BL003', constraint = 'install_rollback_version',
      message = format('install step %s is applied at version %s, not %s', p_step, left(application.version_hash, 12),
                       left(p_version_hash, 12));
  end if;
  select a.step_id into dependant from birth_lane.install_applications a
   where a.id = birth_lane.install_active_application(a.step_id) and p_step = any (a.prerequisites)
   limit 1;
  if found then
    raise exception using errcode = 'BL003', constraint = 'install_rollback_order',
      message = format('install step %s is a prerequisite of %s, which is still applied; roll that back first', p_step, dependant);
  end if;
  if exists (select 1 from birth_lane.approval_votes v
              where v.request_id = p_approval_id and v.decision = 'approve'
                and birth_lane.identity_key(v.voter) = birth_lane.identity_key(session_user)) then
    raise exception using errcode = 'BL003', constraint = 'install_no_self_approval',
      message = format('rollback of %s: %s voted for approval %s and may not use it (no self-approval)',
                       p_step, session_user, p_approval_id);
  end if;
  perform birth_lane.install_assert_approval_risk(p_step, p_approval_id, p_risk);
  perform birth_lane.consume_approval(p_approval_id, 'install_step',
    jsonb_build_object('step', p_step, 'versionHash', p_version_hash, 'operation', 'rollback'));
  insert into birth_lane.install_rollbacks (application_id, step_id, version_hash, approval_id, restored_hash)
  values (application.id, p_step, p_version_hash, p_approval_id, p_restored_hash)
  returning id into new_id;
  delete from birth_lane.applied_steps where step_id = p_step;
  insert into birth_lane.evidence (kind, check_id, message, payload)
  values ('note', 'install.rollback', format('install step %s rolled back by %s', p_step, session_user),
          jsonb_build_object('kind', 'note', 'topic', 'install.rollback', 'payload',
            jsonb_build_object('step', p_step, 'versionHash', p_version_hash,
                               'approvalRequestId', p_approval_id::text, 'rolledBackBy', session_user::text)));
  return new_id;
end;
$$;
revoke all on function birth_lane.record_install_rollback(text, text, bigint, text, text) from public;

grant execute on function birth_lane.record_install_rehearsal(text, text, boolean, text, text, text, text, jsonb),
  birth_lane.record_install_step(text, text, bigint, text[], text, text, text, jsonb, jsonb, text, text),
  birth_lane.adopt_install_step(text, text, text, text[], text, text, jsonb),
  birth_lane.record_install_rollback(text, text, bigint, text, text)
  to birth_lane_installer;
