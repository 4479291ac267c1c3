-- Why: 0001 granted EXECUTE on the wrapper to birth_lane_producer but left the default grant to
-- PUBLIC in place, so any login could CALL it. It is invoker-rights and every privileged move
-- inside it (beat, run_producer) checks the caller's own rights, so such a call failed further
-- in; still, the lane's rule is that only the role a routine is meant for may call it, and the
-- plan must not show an EXECUTE for PUBLIC it does not mean. A new step, so databases that applied
-- 0001 keep its recorded digest.
revoke all on procedure birth_lane.run_producer_from_pg_cron(integer, integer) from public;
grant execute on procedure birth_lane.run_producer_from_pg_cron(integer, integer) to birth_lane_producer;
