import { RUN_OUTCOMES, type RunOutcome, type RunReport, runReportSchema } from '@birth-lane/contract';

const STAGES = ['pen', 'stamp', 'gate'] as const;

/**
 * This process's producer counters in the Prometheus text format (version 0.0.4). Counters start
 * at zero with the process, as Prometheus expects; the evidence log holds the lasting totals.
 */
export class RunMetrics {
  readonly #runs = Object.fromEntries(RUN_OUTCOMES.map((outcome) => [outcome, 0])) as Record<
    RunOutcome,
    number
  >;
  #scanned = 0;
  #skipped = 0;
  #ambiguous = 0;
  readonly #passed = { pen: 0, stamp: 0, gate: 0 };
  readonly #failed = { pen: 0, stamp: 0, gate: 0 };
  #inProgress = 0;
  #lastRunSeconds: number | null = null;
  #malformedReports = 0;

  runStarted(): void {
    this.#inProgress = 1;
  }

  /** A report that does not match the contract's schema is counted apart, never added up. */
  runFinished(unchecked: RunReport): void {
    this.#inProgress = 0;
    const checked = runReportSchema.safeParse(unchecked);
    if (!checked.success) {
      this.#malformedReports += 1;
      this.#runs.failed += 1;
      this.#lastRunSeconds = Date.now() / 1000;
      return;
    }
    const report = checked.data;
    this.#runs[report.outcome] += 1;
    this.#scanned += report.scanned;
    this.#skipped += report.skipped;
    this.#ambiguous += report.ambiguous;
    for (const stage of STAGES) {
      this.#passed[stage] += report.passed[stage];
      this.#failed[stage] += report.failed[stage];
    }
    this.#lastRunSeconds = report.endedAt.getTime() / 1000;
  }

  /** A run that threw: its partial counts are in the evidence log, not in our hands. */
  runThrew(at: Date): void {
    this.#inProgress = 0;
    this.#runs.failed += 1;
    this.#lastRunSeconds = at.getTime() / 1000;
  }

  /** `backlog` is null when the database could not be read; `birth_lane_database_up` says so. */
  render(backlog: number | null): string {
    const lines: string[] = [];
    const metric = (name: string, type: 'counter' | 'gauge', help: string, samples: [string, number][]) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`);
    };
    metric(
      'birth_lane_runs_total',
      'counter',
      'Producer runs started by this HTTP channel that ended, by outcome.',
      RUN_OUTCOMES.map((outcome) => [`{outcome="${outcome}"}`, this.#runs[outcome]]),
    );
    metric('birth_lane_rows_scanned_total', 'counter', 'Governed rows inspected by those runs.', [
      ['', this.#scanned],
    ]);
    metric('birth_lane_rows_skipped_total', 'counter', 'Out-of-scope (observed) rows seen and left alone.', [
      ['', this.#skipped],
    ]);
    metric('birth_lane_rows_ambiguous_total', 'counter', 'Rows with out-of-order stamps, never continued.', [
      ['', this.#ambiguous],
    ]);
    metric(
      'birth_lane_stage_passed_total',
      'counter',
      'Stamps set on a genuine pass, by stage.',
      STAGES.map((stage) => [`{stage="${stage}"}`, this.#passed[stage]]),
    );
    metric(
      'birth_lane_stage_failed_total',
      'counter',
      'Stage failures recorded as evidence, by stage.',
      STAGES.map((stage) => [`{stage="${stage}"}`, this.#failed[stage]]),
    );
    metric(
      'birth_lane_malformed_reports_total',
      'counter',
      'Runs whose report did not match the contract schema (counted as failed, never added up).',
      [['', this.#malformedReports]],
    );
    metric('birth_lane_run_in_progress', 'gauge', '1 while a run started by this channel is in progress.', [
      ['', this.#inProgress],
    ]);
    if (this.#lastRunSeconds !== null) {
      metric(
        'birth_lane_last_run_timestamp_seconds',
        'gauge',
        'When the last run of this channel ended (Unix seconds).',
        [['', this.#lastRunSeconds]],
      );
    }
    metric('birth_lane_database_up', 'gauge', '1 if the database answered this scrape.', [
      ['', backlog === null ? 0 : 1],
    ]);
    if (backlog !== null) {
      metric(
        'birth_lane_backlog_rows',
        'gauge',
        'Uncertified governed rows in the registry: the producer backlog.',
        [['', backlog]],
      );
    }
    return `${lines.join('\n')}\n`;
  }
}
