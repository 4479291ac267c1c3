import type { RunReport } from '@birth-lane/contract';
import { formatCount, formatSeconds, html } from '../html.js';
import { type LayoutContext, layout, path } from '../layout.js';
import type { FailureListRow } from '../sql/select-run-failures.js';

const seconds = (run: RunReport) => (run.endedAt.getTime() - run.startedAt.getTime()) / 1000;
const failed = (run: RunReport) => run.failed.pen + run.failed.stamp + run.failed.gate;

/** Each run with its channel, outcome, counts and duration, newest first. */
export function runsPage(
  context: LayoutContext,
  runs: readonly RunReport[],
  page: { readonly number: number; readonly more: boolean },
): string {
  const rows = runs.map(
    (run) => html`<tr>
  <td><a href="${path(`/runs/${run.runId}`)}" data-testid="run-link"><code>${run.runId}</code></a></td>
  <td>${run.endedAt.toISOString()}</td><td>${run.channel}</td><td class="${run.outcome === 'completed' ? 'ok' : 'bad'}">${run.outcome}</td>
  <td class="n">${formatCount(run.scanned)}</td><td class="n">${formatCount(run.passed.gate)}</td><td class="n">${formatCount(failed(run))}</td>
  <td class="n">${formatCount(run.ambiguous)}</td><td class="n">${formatSeconds(seconds(run))}</td></tr>`,
  );
  const body = html`${
    runs.length === 0
      ? html`<p>No run on record.</p>`
      : html`<table data-testid="runs"><thead><tr><th>run</th><th>ended</th><th>channel</th><th>outcome</th><th class="n">scanned</th><th class="n">certified</th><th class="n">failures</th><th class="n">ambiguous</th><th class="n">duration</th></tr></thead><tbody>${rows}</tbody></table>`
  }
${pager('/runs', page.number, page.more, {})}`;
  return layout({ ...context, current: '/runs' }, 'Runs', body);
}

export interface RunPageData {
  readonly run: RunReport;
  readonly byCheck: readonly {
    readonly stage: string | null;
    readonly check_id: string | null;
    readonly rows: number;
  }[];
  readonly check: string | null;
  readonly failures: readonly FailureListRow[];
  /** The last evidence id on this page, when another page follows. */
  readonly nextAfter: string | null;
}

/** One run: its report, its failures counted by check, and the failing rows a page at a time. */
export function runPage(context: LayoutContext, data: RunPageData): string {
  const { run } = data;
  const base = `/runs/${run.runId}`;
  const query = (extra: Record<string, string>) => {
    const parameters = new URLSearchParams({ ...(data.check ? { check: data.check } : {}), ...extra });
    const text = parameters.toString();
    return text ? `?${text}` : '';
  };
  const summary = html`<dl class="figures">
  <dt>channel</dt><dd>${run.channel}</dd><dt>outcome</dt><dd data-testid="run-outcome">${run.outcome}</dd>
  <dt>rule set</dt><dd>${run.ruleSetVersion ?? '–'} <code>${run.ruleSetHash ?? ''}</code></dd>
  <dt>started</dt><dd>${run.startedAt.toISOString()}</dd><dt>duration</dt><dd>${formatSeconds(seconds(run))}</dd>
  <dt>scanned</dt><dd data-testid="run-scanned">${formatCount(run.scanned)}</dd>
  <dt>passed</dt><dd>PEN ${formatCount(run.passed.pen)}, STAMP ${formatCount(run.passed.stamp)}, GATE ${formatCount(run.passed.gate)}</dd>
  <dt>failed</dt><dd>PEN ${formatCount(run.failed.pen)}, STAMP ${formatCount(run.failed.stamp)}, GATE ${formatCount(run.failed.gate)}</dd>
  <dt>skipped · ambiguous</dt><dd>${formatCount(run.skipped)} · ${formatCount(run.ambiguous)}</dd>
  ${run.detail ? html`<dt>detail</dt><dd>${run.detail}</dd>` : ''}
</dl>`;
  const byCheck = html`<table data-testid="run-checks"><thead><tr><th>stage</th><th>check</th><th class="n">rows</th></tr></thead><tbody>${data.byCheck.map(
    (row) =>
      html`<tr${row.check_id === data.check ? html` class="selected"` : ''}><td>${row.stage ?? ''}</td><td><a href="${path(`${base}?check=${encodeURIComponent(row.check_id ?? '')}`)}">${row.check_id ?? ''}</a></td><td class="n">${formatCount(row.rows)}</td></tr>`,
  )}</tbody></table>`;
  const failures = failureTable(data.failures);
  const body = html`${summary}
<section><h2>Failures by check</h2>${data.byCheck.length === 0 ? html`<p>This run recorded no new failure.</p>` : byCheck}</section>
<section><h2>Failing rows${data.check ? html` for <code>${data.check}</code> <a href="${path(base)}">(all checks)</a>` : ''}</h2>
<p><a href="${path(`${base}/failures.csv${query({})}`)}" data-testid="csv-link" download>Export as CSV</a>${data.check ? ' (this check)' : ' (every failure of the run)'}</p>
${failures}
${data.nextAfter ? html`<p><a href="${path(`${base}${query({ after: data.nextAfter })}`)}" data-testid="next-page">Next page →</a></p>` : ''}
</section>`;
  return layout({ ...context, current: '/runs' }, `Run ${run.runId}`, body);
}

export function failureTable(failures: readonly FailureListRow[]) {
  if (failures.length === 0) return html`<p>No failing row here.</p>`;
  return html`<table data-testid="failures"><thead><tr><th class="n">row id</th><th>entity code</th><th>stage</th><th>check</th><th>message</th><th>run</th><th>recorded</th></tr></thead><tbody>${failures.map(
    (failure) =>
      html`<tr><td class="n">${failure.row_id ?? ''}</td><td><code>${failure.entity_code ?? ''}</code></td><td>${failure.stage ?? ''}</td><td>${failure.check_id ?? ''}</td><td>${failure.message ?? ''}</td><td>${failure.run_id ? html`<a href="${path(`/runs/${failure.run_id}`)}">${failure.run_id.slice(0, 8)}</a>` : ''}</td><td>${failure.recorded_at.toISOString()}</td></tr>`,
  )}</tbody></table>`;
}

export function pager(page: string, number: number, more: boolean, keep: Record<string, string>) {
  const link = (to: number) => path(`${page}?${new URLSearchParams({ ...keep, page: String(to) })}`);
  return html`<p class="pager">${number > 1 ? html`<a href="${link(number - 1)}">← newer</a>` : ''} page ${number} ${more ? html`<a href="${link(number + 1)}">older →</a>` : ''}</p>`;
}
