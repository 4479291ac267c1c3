import type { PgCronStatus } from '../read-pg-cron-status.js';

/** An age for people: seconds up to two minutes, then minutes, hours, days. */
function formatAge(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)}h`;
  return `${Math.round(seconds / 86_400)}d`;
}

/** `pg-cron status` for people: the job, what it judges by, its heartbeat, runs and reports. */
export function formatPgCronStatus(status: PgCronStatus, now = new Date()): string {
  const lines = [
    `pg_cron       ${status.pgCronVersion}, jobs kept in database "${status.cronDatabase}"; lane database "${status.laneDatabase}"`,
  ];
  if (status.jobs.length === 0) lines.push('job           none scheduled (run `birth-lane pg-cron install`)');
  for (const job of status.jobs) {
    lines.push(
      `job           #${job.jobId} ${job.jobName} '${job.schedule}' ${job.active ? 'active' : 'INACTIVE'}, as ${job.username} in "${job.database}"`,
      `              ${job.command}`,
    );
  }
  const ruleSet = status.activeRuleSet;
  const compiled = status.inspectionCompiledFor;
  const inspection =
    compiled.version === null
      ? 'NOT COMPILED: no rule set has been activated; the job stamps nothing'
      : status.inspectionMatchesActiveRuleSet
        ? `compiled for the active rule set (${compiled.version})`
        : `STALE: compiled for rule set ${compiled.version}, not the active one; the job stamps nothing until a rule set is activated with an approval`;
  lines.push(
    'error' in ruleSet
      ? `rule set      NONE ACTIVE: ${ruleSet.error}`
      : `rule set      ${ruleSet.version} (${ruleSet.hash.slice(0, 12)}…)`,
    `inspection    ${inspection}`,
  );
  const beat = status.heartbeat;
  lines.push(
    beat === null
      ? 'heartbeat     none yet'
      : `heartbeat     ${beat.state}, beat ${formatAge((now.getTime() - beat.beatAt.getTime()) / 1000)} ago`,
  );
  lines.push(
    `job runs      ${status.jobRuns.length === 0 ? 'none yet' : '(cron.job_run_details, newest first)'}`,
  );
  for (const run of status.jobRuns) {
    const took =
      run.startTime && run.endTime
        ? ` in ${((run.endTime.getTime() - run.startTime.getTime()) / 1000).toFixed(1)}s`
        : '';
    lines.push(
      `  ${run.startTime?.toISOString() ?? '(not started)'} ${run.status}${took}${run.returnMessage ? `: ${run.returnMessage}` : ''}`,
    );
  }
  lines.push(
    `run reports   ${status.runReports.length === 0 ? 'none yet' : "(evidence, channel 'pg-cron', newest first)"}`,
  );
  for (const run of status.runReports) {
    lines.push(
      `  ${run.endedAt.toISOString()} ${run.outcome.padEnd(10)} scanned ${run.scanned}, passed ${run.passed.pen}/${run.passed.stamp}/${run.passed.gate}, ` +
        `failed ${run.failed.pen}/${run.failed.stamp}/${run.failed.gate}${run.detail ? ` (${run.detail})` : ''}`,
    );
  }
  return lines.join('\n');
}
