import type { RunReport } from '@birth-lane/contract';
import { burnDown, jsonForScriptElement } from '../burn-down.js';
import { formatCount, formatSeconds, html, percent, SafeHtml } from '../html.js';
import { type LayoutContext, layout, path } from '../layout.js';
import type { OverviewReading } from '../overview-cache.js';

export interface OverviewPageData {
  /** The login's last background reading, or null before the first one is taken. */
  readonly reading: OverviewReading | null;
  /** How often a reading is taken (overviewTtlSeconds). */
  readonly intervalSeconds: number;
  readonly runsNewestFirst: readonly RunReport[];
}

/**
 * The lane at a glance: the burn-down from run reports, the funnel from the registry counts, the
 * certified share and the last run's rate, the gate and its flip criteria, standing producers, and
 * the active rule set. Every number carries a data-testid the browser test compares to status --json.
 */
export function overviewPage(context: LayoutContext, data: OverviewPageData): string {
  if (!data.reading) {
    const body = html`<p data-testid="overview-counting">Counting… The registry-wide counts are read in the background (every ${data.intervalSeconds} s, one login at a time, never because a page was asked for), and no reading has been taken yet as ${context.login ?? ''}. Reload in a few seconds.</p>`;
    return layout({ ...context, current: '/' }, 'Overview', body);
  }
  const { overview, readAt } = data.reading;
  const { runsNewestFirst } = data;
  const registry = overview.registry;
  const stages: readonly (readonly [string, string, number])[] = [
    ['governed', 'in scope (governed)', registry.governed],
    ['pen', 'PEN stamped', registry.pen],
    ['stamp', 'STAMP stamped', registry.stamp],
    ['gate', 'GATE stamped', registry.gate],
    ['certified', 'certified', registry.certified],
  ];
  const funnel = html`<table class="funnel">
  <thead><tr><th>stage</th><th class="n">rows</th><th class="n">of governed</th><th></th></tr></thead>
  <tbody>${stages.map(
    ([id, label, rows]) =>
      html`<tr><td>${label}</td><td class="n" data-testid="funnel-${id}">${formatCount(rows)}</td><td class="n">${percent(rows, registry.governed)}</td><td><meter min="0" max="${Math.max(registry.governed, 1)}" value="${rows}"></meter></td></tr>`,
  )}</tbody>
</table>
<p>Registry: <span data-testid="registry-total">${formatCount(registry.total)}</span> rows, ${formatCount(registry.observed)} observed (out of scope), <span data-testid="registry-backlog">${formatCount(registry.backlog)}</span> uncertified governed (the backlog), ${formatCount(registry.ambiguous)} ambiguous.</p>`;

  const last = runsNewestFirst[0];
  const lastSeconds = last ? (last.endedAt.getTime() - last.startedAt.getTime()) / 1000 : 0;
  const rate = html`<dl class="figures">
  <dt>certified share</dt><dd data-testid="certified-share">${percent(registry.certified, registry.governed)}</dd>
  ${
    last
      ? html`<dt>last run</dt><dd><a href="${path(`/runs/${last.runId}`)}">${last.channel}, ${last.outcome}</a>: ${formatCount(last.passed.gate)} certified of ${formatCount(last.scanned)} scanned in ${formatSeconds(lastSeconds)}${lastSeconds > 0 ? html` (<span data-testid="last-run-rate">${formatCount(Math.round(last.passed.gate / lastSeconds))}</span> rows/s)` : ''}</dd>
      <dt>last run's funnel</dt><dd>scanned ${formatCount(last.scanned)} → PEN ${formatCount(last.passed.pen)} → STAMP ${formatCount(last.passed.stamp)} → GATE ${formatCount(last.passed.gate)}</dd>`
      : html`<dt>runs</dt><dd>none on record yet</dd>`
  }
</dl>`;

  const ruleSet =
    'error' in overview.ruleSet
      ? html`<p class="error" data-testid="rule-set">no active rule set: ${overview.ruleSet.error}</p>`
      : html`<p>version <strong data-testid="rule-set-version">${overview.ruleSet.version}</strong>, hash <code data-testid="rule-set-hash">${overview.ruleSet.hash}</code></p>`;

  const gate = overview.gate;
  const gateBlock = html`<p>mode <strong data-testid="gate-mode">${gate.mode ?? 'unset'}</strong> <span class="muted">(${gate.source})</span></p>
${
  gate.criteriaError
    ? html`<p class="muted">flip criteria not readable: ${gate.criteriaError}</p>`
    : html`<table><thead><tr><th>flip criterion</th><th>met</th><th>measured</th><th>required</th></tr></thead><tbody>${gate.criteria.map(
        (criterion) =>
          html`<tr><td>${criterion.id}</td><td class="${criterion.met ? 'ok' : 'bad'}">${criterion.met ? 'yes' : 'no'}</td><td>${criterion.measured}</td><td>${criterion.required}</td></tr>`,
      )}</tbody></table>`
}`;

  const producers =
    overview.producers.length === 0
      ? html`<p data-testid="producers-none">No producer stands (no fresh heartbeat).</p>`
      : html`<table><thead><tr><th>channel</th><th>host</th><th class="n">pid</th><th>state</th><th class="n">heartbeat age</th></tr></thead><tbody>${overview.producers.map(
          (producer) =>
            html`<tr><td>${producer.channel}</td><td>${producer.host}</td><td class="n">${producer.pid}</td><td>${producer.state}</td><td class="n">${formatSeconds(producer.secondsSinceBeat)}</td></tr>`,
        )}</tbody></table>`;

  const points = burnDown(registry.backlog, runsNewestFirst);
  const chart = html`<figure>
  <div id="burndown" class="chart" data-testid="burndown"></div>
  <script type="application/json" id="burndown-data">${new SafeHtml(jsonForScriptElement(points))}</script>
  <figcaption>Backlog over the last ${runsNewestFirst.length} runs, from their reports: today's backlog plus what each later run certified. Births minted between runs are in no report, so this is the work the runs did, not the registry's history.</figcaption>
</figure>`;

  const body = html`<p class="muted" data-testid="overview-read-at">Counts as of the reading taken <time datetime="${readAt.toISOString()}">${readAt.toISOString()}</time> as ${context.login ?? ''}, in the background (a new one every ${data.intervalSeconds} s): the registry-wide counts scan the registry, so no page request reads them.</p>
<section><h2>Backlog burn-down</h2>${chart}</section>
<section><h2>Funnel</h2>${funnel}${rate}</section>
<section><h2>Active rule set</h2>${ruleSet}</section>
<section><h2>Birth gate</h2>${gateBlock}</section>
<section><h2>Standing producers</h2>${producers}</section>`;
  return layout({ ...context, current: '/' }, 'Overview', body, [
    'uPlot.min.css',
    'uPlot.iife.min.js',
    'burndown.js',
  ]);
}
