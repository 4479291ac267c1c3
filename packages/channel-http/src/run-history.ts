import { randomUUID } from 'node:crypto';
import {
  BirthLaneError,
  type RunOutcome,
  type RunReport,
  runReportSchema,
  toIssues,
} from '@birth-lane/contract';
import type { RunRequest } from './run-request.js';

/** `running` until the producer returns, then its report's outcome; `failed` also when it threw. */
export type HttpRunStatus = 'running' | RunOutcome;

/**
 * One run started over HTTP. `id` is the HTTP resource's own id, known before the run starts (the
 * producer mints its `runId` inside the run and only reports it at the end); `report.runId` links
 * the resource to the evidence log once the run is over.
 */
export interface HttpRun {
  readonly id: string;
  status: HttpRunStatus;
  readonly startedAt: Date;
  endedAt: Date | null;
  readonly request: RunRequest;
  progress: { scanned: number; lastId: string | null };
  report: RunReport | null;
  error: { code: string; message: string } | null;
}

/** The last `capacity` runs, in memory: the evidence log keeps every report for good. */
export class RunHistory {
  readonly #runs = new Map<string, HttpRun>();

  constructor(private readonly capacity = 100) {}

  /** The run in progress, if any (this channel runs one at a time). */
  get running(): HttpRun | undefined {
    for (const run of this.#runs.values()) if (run.status === 'running') return run;
    return undefined;
  }

  get(id: string): HttpRun | undefined {
    return this.#runs.get(id);
  }

  begin(request: RunRequest): HttpRun {
    const run: HttpRun = {
      id: randomUUID(),
      status: 'running',
      startedAt: new Date(),
      endedAt: null,
      request,
      progress: { scanned: 0, lastId: null },
      report: null,
      error: null,
    };
    this.#runs.set(run.id, run);
    this.#forgetOldest();
    return run;
  }

  /**
   * Records the runner's report. A report that does not match the contract's schema (a
   * replacement ProducerRunner may return anything) is not trusted: the run is marked failed
   * with code MALFORMED_REPORT and what is wrong, and the channel goes on.
   */
  finish(run: HttpRun, report: RunReport): void {
    const checked = runReportSchema.safeParse(report);
    if (!checked.success) {
      run.status = 'failed';
      run.endedAt = new Date();
      const problems = toIssues(checked.error).map((issue) => `${issue.field}: ${issue.message}`);
      run.error = {
        code: 'MALFORMED_REPORT',
        message: `the run's report is malformed: ${problems.join('; ')}`,
      };
      return;
    }
    run.status = checked.data.outcome;
    run.report = checked.data;
    run.endedAt = checked.data.endedAt;
  }

  fail(run: HttpRun, error: unknown): void {
    run.status = 'failed';
    run.endedAt = new Date();
    run.error = {
      code: BirthLaneError.isInstance(error) ? error.code : 'UNEXPECTED',
      message: error instanceof Error ? error.message : String(error),
    };
  }

  #forgetOldest(): void {
    // Maps iterate in insertion order, so the first finished entries are the oldest.
    for (const [id, run] of this.#runs) {
      if (this.#runs.size <= this.capacity) return;
      if (run.status !== 'running') this.#runs.delete(id);
    }
  }
}

/** The JSON shape of `GET /runs/:id`. */
export function runResource(run: HttpRun) {
  return {
    id: run.id,
    status: run.status,
    startedAt: run.startedAt.toISOString(),
    endedAt: run.endedAt?.toISOString() ?? null,
    request: run.request,
    progress: run.progress,
    ...(run.report ? { report: run.report } : {}),
    ...(run.error ? { error: run.error } : {}),
    links: { self: `/runs/${run.id}` },
  };
}
