import { formatPass } from '@birth-lane/backlog';
import { describeMalformedEvidence } from '@birth-lane/contract';
import { groupDigits as number } from '@birth-lane/contract/cli';
import type { LaneStatus } from './lane-status.js';

/** `birth-lane status` for people. */
export function formatStatus(status: LaneStatus): string {
  const r = status.registry;
  const lines = [
    `registry      ${number(r.total)} rows (${number(r.governed)} governed, ${number(r.observed)} observed)`,
    `stamped       PEN ${number(r.stamped.pen)} · STAMP ${number(r.stamped.stamp)} · GATE ${number(r.stamped.gate)}`,
    `certified     ${number(r.certified)}`,
    `ambiguous     ${number(r.ambiguous)} (never continued, never certified)`,
    `backlog       ${number(r.backlog)} uncertified governed${r.backlogAgeSeconds === null ? '' : `, oldest born ${formatAge(r.backlogAgeSeconds)} ago`}`,
    'error' in status.ruleSet
      ? `rule set      NONE ACTIVE: ${status.ruleSet.error}`
      : `rule set      ${status.ruleSet.version} (${status.ruleSet.hash.slice(0, 12)}…)`,
    status.gate.mode === null
      ? `gate mode     not set in the database (${status.gate.caveat})`
      : `gate mode     ${status.gate.mode} (database setting; ${status.gate.caveat})`,
    `  from        ${status.gate.source}; see ${status.gate.docs}`,
    ...status.gate.risks.map((risk) => `  RISK        ${risk}`),
  ];
  const b = status.backlogByCause;
  if (b) {
    lines.splice(
      5,
      0,
      `  never inspected      ${number(b.neverInspected)}`,
      `  failing at PEN       ${number(b.failing.pen)}`,
      `  failing at STAMP     ${number(b.failing.stamp)}`,
      `  failing at GATE      ${number(b.failing.gate)}`,
      `  ambiguous            ${number(b.ambiguous)}`,
      `  awaiting promotion   ${number(b.awaitingPromotion)}`,
      `  in progress          ${number(b.inProgress)}`,
    );
  }
  if (status.topFailingChecks) {
    lines.push(
      `top failing   ${status.topFailingChecks.length === 0 ? 'none under the active rule set' : '(active rule set, all runs)'}`,
    );
    for (const check of status.topFailingChecks)
      lines.push(`  ${number(check.rows).padStart(8)}  ${check.stage.padEnd(6)} ${check.checkId}`);
  }
  if (status.pendingPromotions) {
    const p = status.pendingPromotions;
    lines.push(
      `promotions    ${p.count === 0 ? 'none pending' : `${number(p.count)} pending${p.count > p.oldest.length ? ` (oldest ${p.oldest.length} shown)` : ''}`}`,
    );
    for (const request of p.oldest)
      lines.push(
        `  request ${request.requestId.padEnd(6)} row ${request.rowId} ${request.entityCode ?? '?'}  ${request.votes} vote(s), quorum ${request.quorumMet ? 'met' : 'not met'}  (birth-lane explain ${request.entityCode ?? '<entity_code>'})`,
      );
  }
  lines.push(`producers     ${status.producers.length === 0 ? 'none standing' : ''}`);
  for (const producer of status.producers) {
    lines.push(
      `  ${producer.channel.padEnd(8)} ${producer.state.padEnd(8)} ${producer.host}:${producer.pid} beat ${producer.secondsSinceBeat}s ago`,
    );
  }
  lines.push(
    `backlog pass  ${status.backlogPasses.length === 0 ? 'none yet (birth-lane backlog plan)' : ''}`,
  );
  for (const pass of status.backlogPasses) lines.push(formatPass(pass).trimEnd().replace(/^/gm, '  '));
  lines.push(`last runs     ${status.lastRuns.length === 0 ? 'none yet' : ''}`);
  for (const run of status.lastRuns) {
    lines.push(
      `  ${run.endedAt.toISOString()} ${run.channel.padEnd(8)} ${run.outcome.padEnd(10)} scanned ${number(run.scanned)}, ` +
        `passed ${run.passed.pen}/${run.passed.stamp}/${run.passed.gate}, failed ${run.failed.pen}/${run.failed.stamp}/${run.failed.gate}`,
    );
  }
  if (r.nonFiniteBornAt > 0)
    lines.push(
      `born_at       ${number(r.nonFiniteBornAt)} row(s) with an infinite born_at (left out of the backlog age)`,
    );
  if (status.malformedEvidence.length > 0)
    lines.push(`evidence      ${describeMalformedEvidence(status.malformedEvidence)}`);
  for (const bad of status.gate.malformed ?? [])
    lines.push(`gate setting  ${bad.setting} = '${bad.value}' is read as unset: it ${bad.problem}`);
  for (const bad of status.malformedHeartbeats ?? [])
    lines.push(
      `heartbeat     ${bad.instanceId} skipped, it does not match the heartbeat schema: ${bad.problem}`,
    );
  lines.push('more          birth-lane runs · birth-lane failures · birth-lane explain <entity_code>');
  return lines.join('\n');
}

export function formatAge(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)}h`;
  return `${Math.round(seconds / 86_400)}d`;
}
