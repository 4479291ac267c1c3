-- Why: the operator console lists a run's failing rows, counts them by check, lists a check's
-- failing rows, and counts the checks failing most over a recent window. Without these, each page
-- would read every failure of the run (or check, or window) from the table and sort it; on a
-- million-row backlog that is far beyond a page's budget. All partial on inspection failures (the
-- only kind these pages read), so other evidence costs nothing more to write; the INCLUDE columns
-- let the counts be answered from the index alone once the log is vacuumed (it is append-only).
create index if not exists evidence_console_run_failures_idx
  on birth_lane.evidence (run_id, id) where kind = 'inspection_failure';
create index if not exists evidence_console_run_checks_idx
  on birth_lane.evidence (run_id, check_id, id) include (stage) where kind = 'inspection_failure';
create index if not exists evidence_console_check_failures_idx
  on birth_lane.evidence (check_id, id) where kind = 'inspection_failure';
create index if not exists evidence_console_recent_failures_idx
  on birth_lane.evidence (recorded_at) include (stage, check_id, run_id) where kind = 'inspection_failure';
