import type { SurfaceList } from '../list-surfaces.js';
import type { StagingReport } from '../report-surface.js';
import type { SurfaceRunCounts } from '../run-surface.js';

const STAGES = ['pen', 'stamp', 'gate'] as const;

export function formatRun(counts: SurfaceRunCounts): string {
  return [
    `staging run ${counts.runId} on ${counts.surfaceId}, rule set ${counts.ruleSetVersion}`,
    `  rows ${counts.taken}: in scope ${counts.scanned}, skipped ${counts.skipped} (not governed), ${counts.skippedCertified} (certified), ambiguous ${counts.ambiguous}`,
    ...STAGES.map(
      (stage) => `  ${stage.padEnd(5)} passed ${counts.passed[stage]}  failed ${counts.failed[stage]}`,
    ),
    `  candidate rows stamped ${counts.stampedRows}; evidence appended ${counts.evidenceAppended}`,
  ].join('\n');
}

export function formatReport(report: StagingReport): string {
  const c = report.counts;
  const lines = [
    `staging surface ${report.surfaceId}: ${report.manifest.source}, rule set ${report.manifest.ruleSetVersion}, ${c.runs} run(s), expires ${report.manifest.expiresAt.toISOString()}`,
    `  rows ${c.rows}: in scope ${c.scanned}, skipped ${c.skipped} (not governed), ${c.skippedCertified} (certified), ambiguous ${c.ambiguous}`,
    ...STAGES.map((stage) => `  ${stage.padEnd(5)} passed ${c.passed[stage]}  failed ${c.failed[stage]}`),
  ];
  if (report.topChecks.length > 0) {
    lines.push('  top failing checks:');
    for (const check of report.topChecks)
      lines.push(`    ${String(check.rows).padStart(7)}  ${check.stage}  ${check.checkId}`);
  }
  if (report.failures.length > 0) {
    lines.push(`  first ${report.failures.length} failures:`);
    for (const failure of report.failures)
      lines.push(
        `    row ${failure.rowId} ${failure.entityCode ?? '(no entity_code)'}  ${failure.stage ?? '-'}  ${failure.checkId}  ${failure.message ?? ''}`,
      );
  }
  if (report.malformedEvidence > 0)
    lines.push(`  ${report.malformedEvidence} failure record(s) could not be read`);
  if (report.comparison) {
    const k = report.comparison;
    lines.push(
      `  against production now (${k.rows} sampled rows, ${k.missingInProduction} no longer there):`,
    );
    for (const stage of STAGES) {
      const s = k.stages[stage];
      lines.push(
        `    ${stage.padEnd(5)} agree ${s.agree}  staging only ${s.stagingOnly}  production only ${s.productionOnly}`,
      );
    }
  }
  return lines.join('\n');
}

export function formatList(list: SurfaceList): string {
  const lines = list.surfaces.map(
    ({ manifest, rows, expired }) =>
      `${manifest.id}  ${rows === null ? '  (not yours)' : `${String(rows).padStart(7)} rows`}  ${manifest.source}  rule set ${manifest.ruleSetVersion}  by ${manifest.creator}  ${expired ? 'EXPIRED' : 'expires'} ${manifest.expiresAt.toISOString()}`,
  );
  for (const bad of list.malformed) lines.push(`${bad.schema}  MALFORMED: ${bad.reason}`);
  return lines.length === 0 ? 'no staging surfaces' : lines.join('\n');
}
