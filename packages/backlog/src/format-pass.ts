import type { MalformedPass, PassStatus } from './pass-status.js';

/** A duration for people: 42s, 3m 05s, 2h 10m. */
export function formatSeconds(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** One pass as a few lines: scope, done, rate, ETA, state (what `backlog status` and `birth-lane status` print). */
export function formatPass(pass: PassStatus | MalformedPass): string {
  if ('malformed' in pass)
    return `pass ${pass.runId ?? '(unknown id)'}: unreadable record (${pass.malformed})\n`;
  const cap = pass.scope.maxRows ? `, at most ${pass.scope.maxRows} rows` : '';
  const done =
    pass.inScopeRows > 0 ? Math.min(100, (pass.scanned / pass.inScopeRows) * 100).toFixed(1) : '100.0';
  const rate = pass.rowsPerSecond === null ? 'no batch yet' : `${Math.round(pass.rowsPerSecond)} rows/s`;
  const eta = pass.etaSeconds === null ? '' : `, ETA ${formatSeconds(pass.etaSeconds)}`;
  const lines = [
    `pass ${pass.runId}  ${pass.state}  (approval ${pass.approvalId}, started by ${pass.startedBy} at ${pass.startedAt})`,
    `  scope    ids ${pass.scope.idFrom}..${pass.scope.walkTo}${pass.scope.walkTo !== pass.scope.idTo ? ` (asked ..${pass.scope.idTo})` : ''}${cap}; rule set ${pass.ruleSet.version}`,
    `  done     ${pass.scanned}/${pass.inScopeRows} in-scope rows (${done} %), ${pass.taken} walked, ${pass.batches} batches, slices ${pass.slices.done}/${pass.slices.total}`,
    `  rate     ${rate}${eta}`,
  ];
  if (pass.detail) lines.push(`  detail   ${pass.detail}`);
  if (pass.rollback)
    lines.push(
      `  rollback approval ${pass.rollback.approvalId}: cleared ${pass.rollback.cleared.pen} pen, ${pass.rollback.cleared.stamp} stamp, ${pass.rollback.cleared.gate} gate`,
    );
  return `${lines.join('\n')}\n`;
}
