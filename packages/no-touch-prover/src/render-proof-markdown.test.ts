import type { ProofReport } from '@birth-lane/contract';
import { describe, expect, it } from 'vitest';
import { renderProofMarkdown } from './render-proof-markdown.js';

const figures = {
  format: 'birth-lane.production-snapshot' as const,
  version: 2 as const,
  snapshotId: '0b7c3b8e-5a4e-4a7e-9d1c-1f2e3d4c5b6a',
  salt: '17',
  transactionSnapshot: '750:750:',
  since: null,
  takenAt: new Date('2026-01-01T00:00:00Z'),
  takenBy: 'reader',
  database: 'registry',
  serverVersion: '15.20',
  table: 'public.birth_registry',
  seconds: 1,
  rowCount: 3,
  maxId: '3',
  stampCounts: { pen: 1, stamp: 0, gate: 0 },
  stampChecksums: { pen: 'a'.repeat(64), stamp: 'b'.repeat(64), gate: 'c'.repeat(64) },
  certifiedCount: 0,
  certifiedAtCount: 0,
  certifiedChecksum: 'd'.repeat(64),
  canonicalChecksum: 'e'.repeat(64),
  identityChecksum: 'f'.repeat(64),
  kgTableCounts: {},
  writeCounters: { tables: {}, xactCommit: 1, note: 'flushed late' },
};

describe('renderProofMarkdown', () => {
  it('shows the verdict, each claim with its F-OPEN condition, before/after figures and changed ids, table-safe', () => {
    const report: ProofReport = {
      rehearsalId: 'r|1',
      verdict: 'FAIL',
      claims: [
        {
          id: 'NT-1',
          holds: false,
          failCondition: 'F-OPEN-1',
          before: { 'inspect_pen.count': 1 },
          after: { 'inspect_pen.count': 2 },
          detail: 'stamps changed | at id 3\nsecond line',
          changes: { ids: ['3'], moreIds: 4, ranges: [{ from: '64', to: '127' }] },
        },
      ],
      before: figures,
      after: figures,
      stagingEvidence: { residue: [], note: '`x`' },
    };
    const markdown = renderProofMarkdown(report);
    expect(markdown).toMatch(/^# No-production-touch proof: FAIL/);
    expect(markdown).toContain(
      '| NT-1 Production inspect_* unchanged | **BROKEN** | F-OPEN-1 (phantom stamp) | stamps changed \\| at id 3 second line |',
    );
    expect(markdown).toContain('| inspect_pen.count | 1 | 2 **≠** |');
    expect(markdown).toContain('Changed ids: 3 (and 4 more)');
    expect(markdown).toContain('Changed id ranges (several rows each): 64…127');
    expect(markdown).toContain('- note: `"\'x\'"`');
    expect(markdown).toContain('Rehearsal: `r\\|1`');
  });
});
