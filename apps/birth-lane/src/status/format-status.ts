import { describeMalformedEvidence } from '@birth-lane/contract';
import type { LaneStatus } from './lane-status.js';

const number = (value: number) => value.toLocaleString('en');

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
  ];
  lines.push(`producers     ${status.producers.length === 0 ? 'none standing' : ''}`);
  for (const producer of status.producers) {
    lines.push(
      `  ${producer.channel.padEnd(8)} ${producer.state.padEnd(8)} ${producer.host}:${producer.pid} beat ${producer.secondsSinceBeat}s ago`,
    );
  }
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
  return lines.join('\n');
}

export function formatAge(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)}h`;
  return `${Math.round(seconds / 86_400)}d`;
}
