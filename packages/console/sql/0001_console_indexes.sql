-- Why: the operator console lists a run's failing rows and a check's failing rows a page at a time
-- (keyset: after/before an evidence id). Without these, each page would read every failure of the
-- run (or of the check) and sort it; on a million-row backlog that is far beyond a page's budget.
-- Partial on inspection failures: the only kind these pages list.
create index if not exists evidence_console_run_failures_idx
  on birth_lane.evidence (run_id, id) where kind = 'inspection_failure';
create index if not exists evidence_console_check_failures_idx
  on birth_lane.evidence (check_id, id) where kind = 'inspection_failure';
