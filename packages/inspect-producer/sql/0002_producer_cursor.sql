-- Why: the database-side producer (birth_lane.run_producer, run by pg_cron with no Node process)
-- works in short, time-boxed calls so each stays inside the field's statement timeout. It keeps
-- where it stopped here, so the next call resumes the walk instead of starting over; when a walk
-- reaches the end, the cursor goes back to 0 so new births and repaired rows are seen again.
create table if not exists birth_lane.producer_cursor (
  name text primary key,
  after_id bigint not null default 0,
  rule_set_hash text,
  updated_at timestamptz not null default now()
);

grant select, insert, update on birth_lane.producer_cursor to birth_lane_producer;
grant select on birth_lane.producer_cursor to birth_lane_reader;
