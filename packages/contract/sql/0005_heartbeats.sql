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

grant select, insert, update on birth_lane.producer_heartbeats to birth_lane_producer;
grant select on birth_lane.producer_heartbeats to birth_lane_reader, birth_lane_governance;
