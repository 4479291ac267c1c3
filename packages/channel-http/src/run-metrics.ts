import { RUN_OUTCOMES, type RunOutcome, type RunReport, runReportSchema } from '@birth-lane/contract';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

const STAGES = ['pen', 'stamp', 'gate'] as const;

/**
 * From a 10 ms run over an empty backlog to a 10 min pass over a large one: roughly 2.5x apart, so
 * a quantile read from them is within one bucket of the truth across that whole range.
 */
export const RUN_DURATION_BUCKETS_SECONDS = [
  0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600,
] as const;

/**
 * A gauge with no sample until its value is known. Prometheus reads an absent series as "unknown"
 * and a 0 as a value: a backlog that could not be read is not an empty backlog, and a process that
 * never ran did not run at the epoch. (prom-client always samples a gauge without labels.)
 */
class GaugeUntilKnown extends Gauge {
  #known = false;

  record(value: number | null): void {
    this.#known = value !== null;
    if (value !== null) this.set(value);
  }

  override async get() {
    const metric = await super.get();
    return this.#known ? metric : { ...metric, values: [] };
  }
}

/**
 * This process's producer counters, in a prom-client registry of its own (never the global one,
 * so two channels in one process, or the app's own metrics, do not collide). Counters start at
 * zero with the process, as Prometheus expects; the evidence log holds the lasting totals. No
 * default process metrics: the channel exposes what it knows about runs, not about Node.
 */
export class RunMetrics {
  readonly registry = new Registry();
  readonly #runs: Counter<'outcome'>;
  readonly #duration: Histogram<'outcome'>;
  readonly #scanned: Counter;
  readonly #skipped: Counter;
  readonly #ambiguous: Counter;
  readonly #passed: Counter<'stage'>;
  readonly #failed: Counter<'stage'>;
  readonly #malformedReports: Counter;
  readonly #inProgress: Gauge;
  readonly #lastRun: GaugeUntilKnown;
  readonly #databaseUp: Gauge;
  readonly #backlog: GaugeUntilKnown;

  constructor() {
    const registers = [this.registry];
    this.#runs = new Counter({
      name: 'birth_lane_runs_total',
      help: 'Producer runs started by this HTTP channel that ended, by outcome.',
      labelNames: ['outcome'],
      registers,
    });
    this.#duration = new Histogram({
      name: 'birth_lane_run_duration_seconds',
      help: 'How long the producer runs started by this HTTP channel took, by outcome.',
      labelNames: ['outcome'],
      buckets: [...RUN_DURATION_BUCKETS_SECONDS],
      registers,
    });
    this.#scanned = new Counter({
      name: 'birth_lane_rows_scanned_total',
      help: 'Governed rows inspected by those runs.',
      registers,
    });
    this.#skipped = new Counter({
      name: 'birth_lane_rows_skipped_total',
      help: 'Out-of-scope (observed) rows seen and left alone.',
      registers,
    });
    this.#ambiguous = new Counter({
      name: 'birth_lane_rows_ambiguous_total',
      help: 'Rows with out-of-order stamps, never continued.',
      registers,
    });
    this.#passed = new Counter({
      name: 'birth_lane_stage_passed_total',
      help: 'Stamps set on a genuine pass, by stage.',
      labelNames: ['stage'],
      registers,
    });
    this.#failed = new Counter({
      name: 'birth_lane_stage_failed_total',
      help: 'Stage failures recorded as evidence, by stage.',
      labelNames: ['stage'],
      registers,
    });
    this.#malformedReports = new Counter({
      name: 'birth_lane_malformed_reports_total',
      help: 'Runs whose report did not match the contract schema (counted as failed, never added up).',
      registers,
    });
    this.#inProgress = new Gauge({
      name: 'birth_lane_run_in_progress',
      help: '1 while a run started by this channel is in progress.',
      registers,
    });
    this.#lastRun = new GaugeUntilKnown({
      name: 'birth_lane_last_run_timestamp_seconds',
      help: 'When the last run of this channel ended (Unix seconds).',
      registers,
    });
    this.#databaseUp = new Gauge({
      name: 'birth_lane_database_up',
      help: '1 if the database answered this scrape.',
      registers,
    });
    this.#backlog = new GaugeUntilKnown({
      name: 'birth_lane_backlog_rows',
      help: 'Uncertified governed rows in the registry: the producer backlog.',
      registers,
    });
    // Every series is there from the first scrape, at zero, so rate() sees the first increase.
    for (const outcome of RUN_OUTCOMES) {
      this.#runs.inc({ outcome }, 0);
      this.#duration.zero({ outcome });
    }
    for (const stage of STAGES) {
      this.#passed.inc({ stage }, 0);
      this.#failed.inc({ stage }, 0);
    }
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  runStarted(): void {
    this.#inProgress.set(1);
  }

  /** A report that does not match the contract's schema is counted apart, never added up. */
  runFinished(unchecked: RunReport, seconds: number): void {
    this.#inProgress.set(0);
    const checked = runReportSchema.safeParse(unchecked);
    if (!checked.success) {
      this.#malformedReports.inc();
      this.#ended('failed', seconds, new Date());
      return;
    }
    const report = checked.data;
    this.#scanned.inc(report.scanned);
    this.#skipped.inc(report.skipped);
    this.#ambiguous.inc(report.ambiguous);
    for (const stage of STAGES) {
      this.#passed.inc({ stage }, report.passed[stage]);
      this.#failed.inc({ stage }, report.failed[stage]);
    }
    this.#ended(report.outcome, seconds, report.endedAt);
  }

  /** A run that threw: its partial counts are in the evidence log, not in our hands. */
  runThrew(seconds: number, at: Date): void {
    this.#inProgress.set(0);
    this.#ended('failed', seconds, at);
  }

  /**
   * The exposition text. `backlog` is what the database said at this scrape, or null when it could
   * not be read; `birth_lane_database_up` says which.
   */
  render(backlog: number | null): Promise<string> {
    this.#databaseUp.set(backlog === null ? 0 : 1);
    this.#backlog.record(backlog);
    return this.registry.metrics();
  }

  #ended(outcome: RunOutcome, seconds: number, at: Date): void {
    this.#runs.inc({ outcome });
    this.#duration.observe({ outcome }, seconds);
    this.#lastRun.record(at.getTime() / 1000);
  }
}
