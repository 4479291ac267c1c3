import type { Database, InspectionCompiler, ProductionSnapshot, ProofReport } from '@birth-lane/contract';
import { compareSnapshots, takeSnapshot } from '@birth-lane/no-touch-prover';
import {
  createSurface,
  dropSurface,
  findSurfaceResidue,
  type RuleSetChoice,
  readSurfaceOutcome,
  reportSurface,
  runSurface,
  type StagingReport,
  StagingResidueError,
  type SurfaceInput,
} from '@birth-lane/staging-surface';
import { findUnknownTriggersOnSurface, type SurfaceTriggers } from './unknown-triggers-on-surface.js';

/** The pilot's steps, in order, for progress output and for tests that act between two steps. */
export const PILOT_STEPS = [
  'snapshot',
  'create',
  'run',
  'report',
  'drop',
  'snapshot-after',
  'verdict',
] as const;
export type PilotStep = (typeof PILOT_STEPS)[number];

export interface PilotOptions {
  readonly compiler: InspectionCompiler;
  readonly input: SurfaceInput;
  /** Default: the rule set production's inspection is compiled from. */
  readonly ruleSet?: RuleSetChoice;
  readonly kgTables?: readonly string[];
  /** Called as each step begins (awaited: a test may change production here, as live traffic would). */
  readonly onStep?: (step: PilotStep) => void | Promise<void>;
  /** Progress within a long step: done of total units (rows or chunks). */
  readonly onProgress?: (step: PilotStep, done: number, total: number) => void;
}

export interface PilotResult {
  readonly surfaceId: string;
  readonly staging: StagingReport;
  readonly proof: ProofReport;
  /** Seconds per step. */
  readonly timings: Readonly<Partial<Record<PilotStep, number>>>;
}

/**
 * One rehearsal with its proof: snapshot production, create a staging surface, run the inspection
 * on it, report, drop it and look for residue, snapshot production again, and judge NT-1…NT-8.
 *
 * The surface is dropped whatever happens after it was created; a drop that leaves residue does not
 * end the pilot, it becomes the staging evidence NT-7 fails on (BAD-15). Changes to production are
 * attributed to the rehearsal only on the rows it sampled (a fixtures pilot reads no production
 * row, so any change there is live traffic as far as the prover can tell: INCONCLUSIVE, never PASS).
 */
export async function runPilot(db: Database, options: PilotOptions): Promise<PilotResult> {
  const timings: Partial<Record<PilotStep, number>> = {};
  const step = async <T>(name: PilotStep, work: () => Promise<T>): Promise<T> => {
    await options.onStep?.(name);
    const began = performance.now();
    try {
      return await work();
    } finally {
      timings[name] = (performance.now() - began) / 1000;
    }
  };
  // The "after" is taken since the "before": same salt, and every registry row written in between
  // is counted exactly (the statistics counters lag writes and only inform).
  const snapshot = (name: PilotStep, since?: ProductionSnapshot) =>
    step(name, () =>
      takeSnapshot(db, {
        kgTables: options.kgTables,
        ...(since ? { since } : {}),
        onProgress: (progress) => options.onProgress?.(name, progress.rowsDone, progress.rowsEstimated),
      }),
    );

  const before: ProductionSnapshot = await snapshot('snapshot');
  const created = await step('create', () =>
    createSurface(db, { compiler: options.compiler, input: options.input, ruleSet: options.ruleSet }),
  );
  let staging: StagingReport;
  let sampledIds: ReadonlySet<bigint>;
  let triggers: SurfaceTriggers;
  try {
    await step('run', () =>
      runSurface(db, created.surfaceId, {
        compiler: options.compiler,
        onProgress: (done, total) => options.onProgress?.('run', done, total),
      }),
    );
    staging = await step('report', () => reportSurface(db, created.surfaceId));
    triggers = await findUnknownTriggersOnSurface(db, created.schema);
    sampledIds =
      options.input.kind === 'sample'
        ? new Set((await readSurfaceOutcome(db, created.surfaceId)).map((row) => BigInt(row.id)))
        : new Set();
  } catch (error) {
    // A failed run still leaves nothing behind; the error that stopped it is the one reported.
    await dropSurface(db, created.surfaceId).catch(() => undefined);
    throw error;
  }
  const dropped = await step('drop', () => dropQuietly(db, created.surfaceId));
  const after = await snapshot('snapshot-after', before);
  const proof = await step('verdict', async () =>
    compareSnapshots(before, after, {
      rehearsalId: created.surfaceId,
      stagingEvidence: {
        surfaceId: created.surfaceId,
        schema: created.schema,
        source: created.manifest.source,
        ruleSetVersion: created.manifest.ruleSetVersion,
        ruleSetHash: created.manifest.ruleSetHash,
        rowsLoaded: created.loaded,
        counts: staging.counts,
        certifyTriggersOnSurface: triggers.count,
        unknownTriggers: triggers.names,
        residue: dropped.residue,
        droppedInMs: dropped.droppedInMs,
      },
      attributableIds: (id) => sampledIds.has(id),
    }),
  );
  return { surfaceId: created.surfaceId, staging, proof, timings };
}

/** The drop, with residue returned as evidence instead of thrown: the verdict judges it (NT-7). */
async function dropQuietly(
  db: Database,
  surfaceId: string,
): Promise<{ readonly residue: readonly string[]; readonly droppedInMs: number | null }> {
  try {
    const dropped = await dropSurface(db, surfaceId);
    return { residue: dropped.residue, droppedInMs: dropped.droppedInMs };
  } catch (error) {
    if (!StagingResidueError.isInstance(error)) throw error;
    // Look again: the error's list is what the drop saw; the evidence is what is left now.
    const residue = await findSurfaceResidue(db, surfaceId);
    return { residue: residue.length > 0 ? residue : error.residue, droppedInMs: null };
  }
}
