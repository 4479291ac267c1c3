-- Why: the gate policy may flip the birth gate to `block` only while a producer stands (brief B7).
-- Every standing channel (schedule, http, queue, listen, a pg_cron job's runs) beats here, so
-- "is a producer standing, and how healthy is it" is a query, not a guess.
create table if not exists birth_lane.producer_heartbeats (
  instance_id text primary key,
  channel text not null,
  host text not null,
  pid integer not null,
  state text not null,
  started_at timestamptz not null default now(),
  beat_at timestamptz not null default now(),
  last_run_id uuid,
  detail jsonb not null default '{}'::jsonb,
  constraint producer_heartbeats_state_check check (state in ('idle', 'running', 'stopping', 'stopped'))
);
create index if not exists producer_heartbeats_beat_idx on birth_lane.producer_heartbeats (beat_at);

-- Which login beats for the instance: set from session_user by birth_lane.beat, never by a caller.
alter table birth_lane.producer_heartbeats add column if not exists login text not null default session_user;

-- Why: a producer login must not forge another producer's beat or choose its own beat time (the
-- gate flip trusts this table). Lane roles only read the table; every beat goes through
-- birth_lane.beat, which sets beat_at/started_at from the server clock, records session_user as
-- the instance's login and refuses to touch an instance another login owns. A null argument keeps
-- what the row has (a new row: host 'unknown', pid 0, state idle, detail {}); a null state keeps
-- `running` and otherwise means idle.
create or replace function birth_lane.beat(
  p_instance_id text,
  p_channel text,
  p_host text default null,
  p_pid integer default null,
  p_state text default null,
  p_last_run_id uuid default null,
  p_detail jsonb default null)
returns void
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_login text;
  v_now timestamptz := pg_catalog.clock_timestamp();
begin
  if p_instance_id is null or pg_catalog.length(p_instance_id) not between 1 and 200 then
    raise exception using errcode = '22023', message = 'instance id must be 1 to 200 characters';
  end if;
  if p_channel is null or p_channel not in ('once', 'schedule', 'pg-cron', 'http', 'queue', 'listen') then
    raise exception using errcode = 'BL001', constraint = 'heartbeat_channel',
      message = pg_catalog.format('a heartbeat''s channel must be one of once, schedule, pg-cron, http, queue, listen; got %s',
        coalesce(p_channel, 'null'));
  end if;
  if p_state is not null and p_state not in ('idle', 'running', 'stopping', 'stopped') then
    raise exception using errcode = 'BL001', constraint = 'heartbeat_state',
      message = pg_catalog.format('a heartbeat''s state must be idle, running, stopping or stopped; got %s', p_state);
  end if;
  select h.login into v_login from birth_lane.producer_heartbeats h where h.instance_id = p_instance_id for update;
  if found then
    if v_login is distinct from session_user then
      raise exception using errcode = 'BL001', constraint = 'heartbeat_of_another_login',
        message = pg_catalog.format('instance %s beats for another login; nothing was written', p_instance_id);
    end if;
    update birth_lane.producer_heartbeats h
       set channel = p_channel,
           host = coalesce(p_host, h.host),
           pid = coalesce(p_pid, h.pid),
           state = coalesce(p_state, case when h.state = 'running' then 'running' else 'idle' end),
           beat_at = v_now,
           last_run_id = coalesce(p_last_run_id, h.last_run_id),
           detail = coalesce(p_detail, h.detail)
     where h.instance_id = p_instance_id;
  else
    insert into birth_lane.producer_heartbeats
      (instance_id, channel, host, pid, state, started_at, beat_at, last_run_id, detail, login)
    values (p_instance_id, p_channel, coalesce(p_host, 'unknown'), coalesce(p_pid, 0), coalesce(p_state, 'idle'),
            v_now, v_now, p_last_run_id, coalesce(p_detail, '{}'::jsonb), session_user);
  end if;
end;
$$;

revoke all on function birth_lane.beat(text, text, text, integer, text, uuid, jsonb) from public;
grant execute on function birth_lane.beat(text, text, text, integer, text, uuid, jsonb) to birth_lane_producer;

-- The revoke takes back what earlier installs granted.
revoke insert, update, delete on birth_lane.producer_heartbeats from birth_lane_producer;
grant select on birth_lane.producer_heartbeats to birth_lane_producer;
grant select on birth_lane.producer_heartbeats to birth_lane_reader, birth_lane_governance;
