import { formatCount, html } from '../html.js';
import { type LayoutContext, layout, path } from '../layout.js';
import type { FailureListRow } from '../sql/select-run-failures.js';
import { failureTable } from './runs-page.js';

/** The windows the failures page offers: each bounded, so the page reads only that window's failures. */
export const FAILURE_WINDOWS = { '1h': 3600, '24h': 86_400, '7d': 604_800 } as const;
export type FailureWindow = keyof typeof FAILURE_WINDOWS;

export interface FailuresPageData {
  readonly window: FailureWindow;
  readonly top: readonly {
    readonly stage: string | null;
    readonly check_id: string | null;
    readonly rows: number;
    readonly last_at: Date;
  }[];
  readonly check: string | null;
  readonly failures: readonly FailureListRow[];
  readonly nextBefore: string | null;
}

/** The checks failing most over a window, and one check's rows (drill-down), newest first. */
export function failuresPage(context: LayoutContext, data: FailuresPageData): string {
  const windows = (Object.keys(FAILURE_WINDOWS) as FailureWindow[]).map((window) =>
    window === data.window
      ? html`<strong>${window}</strong> `
      : html`<a href="${path(`/failures?window=${window}`)}">${window}</a> `,
  );
  const top = html`<table data-testid="top-checks"><thead><tr><th>stage</th><th>check</th><th class="n">failures</th><th>last seen</th></tr></thead><tbody>${data.top.map(
    (row) =>
      html`<tr${row.check_id === data.check ? html` class="selected"` : ''}><td>${row.stage ?? ''}</td><td><a href="${path(`/failures?${new URLSearchParams({ window: data.window, check: row.check_id ?? '' })}`)}">${row.check_id ?? ''}</a></td><td class="n">${formatCount(row.rows)}</td><td>${row.last_at.toISOString()}</td></tr>`,
  )}</tbody></table>`;
  const drill = data.check
    ? html`<section><h2>Rows failing <code>${data.check}</code> in the last ${data.window}</h2>${failureTable(data.failures)}
${data.nextBefore ? html`<p><a href="${path(`/failures?${new URLSearchParams({ window: data.window, check: data.check, before: data.nextBefore })}`)}">Older →</a></p>` : ''}</section>`
    : html`<p>Choose a check to see its rows.</p>`;
  const body = html`<p>Window: ${windows}</p>
<section><h2>Top failing checks, last ${data.window}</h2>${data.top.length === 0 ? html`<p>No failure recorded in this window.</p>` : top}</section>
${drill}`;
  return layout({ ...context, current: '/failures' }, 'Failures', body);
}
