import { groupDigits } from '@birth-lane/contract/cli';
import { formatProofSummary } from '@birth-lane/no-touch-prover/cli';
import { PILOT_STEPS, type PilotResult } from './run-pilot.js';

/** The human summary: what the rehearsal did on its surface, each NT claim, then the verdict line. */
export function formatPilot(result: PilotResult): string {
  const { staging, proof } = result;
  const counts = staging.counts;
  const lines = [
    `pilot ${result.surfaceId}: rule set ${staging.manifest.ruleSetVersion} (${staging.manifest.ruleSetHash.slice(0, 12)}…), ${staging.manifest.source}`,
    `  staging       ${groupDigits(counts.rows)} rows, ${groupDigits(counts.scanned)} in scope; passed PEN ${groupDigits(counts.passed.pen)}, STAMP ${groupDigits(counts.passed.stamp)}, GATE ${groupDigits(counts.passed.gate)}; ` +
      `failed PEN ${groupDigits(counts.failed.pen)}, STAMP ${groupDigits(counts.failed.stamp)}, GATE ${groupDigits(counts.failed.gate)}; ambiguous ${groupDigits(counts.ambiguous)}`,
    `  steps         ${PILOT_STEPS.filter((step) => result.timings[step] !== undefined)
      .map((step) => `${step} ${result.timings[step]!.toFixed(2)} s`)
      .join(', ')}`,
    '',
    formatProofSummary(proof).trimEnd(),
  ];
  return `${lines.join('\n')}\n`;
}
