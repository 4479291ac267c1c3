-- Why: the producer judges rows under one active, versioned rule set (brief section 3, B2), and
-- every stamp and run report must be traceable to it. Rule sets are data: stored here by version
-- with the sha256 of their content, so a document edited behind the lane's back is detected
-- (the stored hash no longer matches) and the producer stamps nothing until someone restores it.
create schema if not exists birth_lane;

create table if not exists birth_lane.rule_sets (
  version text primary key,
  hash text not null,
  document jsonb not null,
  status text not null default 'draft',
  created_at timestamptz not null default now(),
  activated_at timestamptz,
  constraint rule_sets_hash_key unique (hash),
  constraint rule_sets_version_check check (version ~ '^[0-9]+\.[0-9]+\.[0-9]+$'),
  constraint rule_sets_hash_check check (hash ~ '^[0-9a-f]{64}$'),
  constraint rule_sets_document_check check (jsonb_typeof(document) = 'object'),
  constraint rule_sets_status_check check (status in ('draft', 'active', 'retired')),
  constraint rule_sets_activated_check check (status = 'draft' or activated_at is not null)
);

-- At most one rule set is active at any moment: a second 'active' row is a unique violation.
create unique index if not exists rule_sets_one_active_idx on birth_lane.rule_sets ((true)) where status = 'active';

-- The producer reads the active rule set; governance and dashboards may read them all. Writing
-- (save, activate) is an administrative act done by the table's owner through the package API.
grant select on birth_lane.rule_sets to birth_lane_producer, birth_lane_governance, birth_lane_reader;
