import { expect, it } from 'vitest';
import { dropSurface } from '../src/drop-surface.js';
import { findSurfaceResidue } from '../src/find-surface-residue.js';
import { reportSurface } from '../src/report-surface.js';
import { runSurface } from '../src/run-surface.js';
import { readSurfaceOutcome } from '../src/surface-outcome.js';
import { compiler, fixtureSurface, goodRow, useStagingDatabase } from './support.js';

const t = useStagingDatabase();

it('creates, judges, reports and drops a surface, leaving nothing behind', async () => {
  const created = await fixtureSurface(t.db.pool, [goodRow(1), goodRow(2, { description: 'short' })]);
  expect(created.loaded).toBe(2);
  expect(created.manifest.readiness.map((check) => [check.id, check.ok])).toEqual(
    ['SR-1', 'SR-2', 'SR-3', 'SR-4', 'SR-5', 'SR-6', 'SR-7', 'SR-8'].map((id) => [id, true]),
  );
  const counts = await runSurface(t.db.pool, created.surfaceId, { compiler });
  expect(counts.passed).toEqual({ pen: 2, stamp: 1, gate: 1 });
  expect(counts.failed).toEqual({ pen: 0, stamp: 1, gate: 0 });
  const report = await reportSurface(t.db.pool, created.surfaceId);
  expect(report.counts.passed).toEqual({ pen: 2, stamp: 1, gate: 1 });
  expect(report.topChecks).toEqual([{ stage: 'stamp', checkId: 'stamp.description.length', rows: 1 }]);
  expect(await readSurfaceOutcome(t.db.pool, created.surfaceId)).toEqual([
    { id: '1', entityCode: 'STG-0001', pen: true, stamp: true, gate: true, findings: [] },
    {
      id: '2',
      entityCode: 'STG-0002',
      pen: true,
      stamp: false,
      gate: false,
      findings: ['stamp:stamp.description.length'],
    },
  ]);
  const dropped = await dropSurface(t.db.pool, created.surfaceId);
  expect(dropped.residue).toEqual([]);
  expect(await findSurfaceResidue(t.db.pool, created.surfaceId)).toEqual([]);
});
