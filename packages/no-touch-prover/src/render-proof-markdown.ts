import { FAIL_OPEN_CONDITIONS, type ProofReport } from '@birth-lane/contract';

const CLAIM_TITLES: Record<string, string> = {
  'NT-1': 'Production inspect_* unchanged',
  'NT-2': 'Production certified unchanged',
  'NT-3': 'Canonical fields unchanged',
  'NT-4': 'Zero identity mint',
  'NT-5': 'Zero KG write',
  'NT-6': 'Zero certify trigger from staging',
  'NT-7': 'Containment after delete',
  'NT-8': 'No silent PASS',
};

/**
 * The proof as Markdown a reviewer can attach to a change request: the verdict, then each claim
 * with its before/after table, the ids it found changed, and the staging evidence it relied on.
 */
export function renderProofMarkdown(report: ProofReport): string {
  const lines: string[] = [];
  lines.push(`# No-production-touch proof: ${report.verdict}`, '');
  lines.push(`- Rehearsal: \`${cell(report.rehearsalId)}\``);
  lines.push(
    `- Production: \`${cell(report.before.table)}\` in database \`${cell(report.before.database)}\` (PostgreSQL ${cell(report.before.serverVersion)})`,
  );
  lines.push(
    `- Before: ${report.before.takenAt.toISOString()} by \`${cell(report.before.takenBy)}\`, ${report.before.rowCount.toLocaleString('en')} rows`,
  );
  lines.push(
    `- After: ${report.after.takenAt.toISOString()} by \`${cell(report.after.takenBy)}\`, ${report.after.rowCount.toLocaleString('en')} rows`,
  );
  const verdictLine =
    report.verdict === 'PASS'
      ? 'Every claim holds with its numbers: production is what it was.'
      : report.verdict === 'FAIL'
        ? 'At least one claim is broken by a change the rehearsal could have made: the rehearsal is disqualified.'
        : 'A change or a missing piece of evidence could not be attributed: this is not a PASS.';
  lines.push('', `**${verdictLine}**`, '');
  lines.push('| claim | holds | F-OPEN | detail |', '|---|---|---|---|');
  for (const claim of report.claims) {
    const condition = claim.failCondition
      ? `${claim.failCondition} (${FAIL_OPEN_CONDITIONS[claim.failCondition]})`
      : '';
    lines.push(
      `| ${claim.id} ${CLAIM_TITLES[claim.id] ?? ''} | ${holds(claim.holds)} | ${condition} | ${cell(claim.detail)} |`,
    );
  }
  for (const claim of report.claims) {
    lines.push(
      '',
      `## ${claim.id} ${CLAIM_TITLES[claim.id] ?? ''}: ${holds(claim.holds)}`,
      '',
      cell(claim.detail),
      '',
    );
    lines.push('| figure | before | after |', '|---|---|---|');
    for (const key of [...new Set([...Object.keys(claim.before), ...Object.keys(claim.after)])]) {
      const a = claim.before[key];
      const b = claim.after[key];
      const mark = key in claim.before && key in claim.after && a !== b ? ' **≠**' : '';
      lines.push(`| ${cell(key)} | ${figure(a)} | ${figure(b)}${mark} |`);
    }
    if (claim.changes) {
      const { ids, moreIds, ranges } = claim.changes;
      if (ids.length > 0)
        lines.push('', `Changed ids: ${ids.join(', ')}${moreIds > 0 ? ` (and ${moreIds} more)` : ''}`);
      if (ranges.length > 0)
        lines.push(
          '',
          `Changed id ranges (several rows each): ${ranges.map((r) => `${r.from}…${r.to}`).join(', ')}`,
        );
    }
  }
  lines.push('', '## Staging evidence', '');
  const evidence = Object.entries(report.stagingEvidence);
  if (evidence.length === 0) lines.push('None given: NT-6 and NT-7 cannot hold without it.');
  for (const [key, value] of evidence) lines.push(`- ${cell(key)}: \`${cell(short(value))}\``);
  lines.push('', `_${cell(report.after.writeCounters.note)}._`, '');
  return lines.join('\n');
}

function holds(value: boolean | null): string {
  return value === true ? 'holds' : value === false ? '**BROKEN**' : 'undecided';
}

function figure(value: number | string | null | undefined): string {
  if (value === undefined) return '';
  if (value === null) return 'absent';
  return typeof value === 'number' ? value.toLocaleString('en') : `\`${cell(value)}\``;
}

function short(value: unknown): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** Text safe inside a Markdown table cell (no pipe, no line break, no backtick run). */
function cell(text: string): string {
  return text
    .replace(/\|/g, '\\|')
    .replace(/[\r\n]+/g, ' ')
    .replace(/`/g, "'");
}
