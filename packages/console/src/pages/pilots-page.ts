import type { OverviewBacklogPass } from '../console-ports.js';
import { formatCount, html, percent } from '../html.js';
import { type LayoutContext, layout } from '../layout.js';

/** A pilot's verdict as the app records it (note `pilot.verdict`). */
export interface PilotVerdict {
  readonly recordedAt: Date;
  readonly recordedBy: string;
  readonly verdict: string;
  readonly ruleSetVersion: string | null;
  readonly sample: number | null;
  readonly wouldPass: number | null;
  readonly markdown: string | null;
  readonly claims: readonly { readonly id: string; readonly verdict: string; readonly detail: string }[];
}

export function pilotsPage(
  context: LayoutContext,
  data: { readonly pilots: readonly PilotVerdict[]; readonly passes: readonly OverviewBacklogPass[] },
): string {
  const pilots =
    data.pilots.length === 0
      ? html`<p>No pilot recorded yet (<code>birth-lane pilot</code> records its verdict).</p>`
      : data.pilots.map(
          (pilot) => html`<article class="pilot" data-testid="pilot">
  <h2>${pilot.ruleSetVersion ?? 'draft'}: <span class="${pilot.verdict === 'PASS' ? 'ok' : 'bad'}" data-testid="pilot-verdict">${pilot.verdict}</span></h2>
  <p>${pilot.recordedAt.toISOString()} by ${pilot.recordedBy}; ${pilot.sample === null ? '' : html`sample of ${formatCount(pilot.sample)} rows`}${pilot.wouldPass === null ? '' : html`, ${formatCount(pilot.wouldPass)} would pass all three stages`}${pilot.markdown ? html`; Markdown report: <code>${pilot.markdown}</code>` : ''}</p>
  <table><thead><tr><th>claim</th><th>verdict</th><th>numbers</th></tr></thead><tbody>${pilot.claims.map(
    (claim) =>
      html`<tr><td>${claim.id}</td><td class="${claim.verdict === 'PASS' ? 'ok' : 'bad'}">${claim.verdict}</td><td>${claim.detail}</td></tr>`,
  )}</tbody></table>
</article>`,
        );
  const passes =
    data.passes.length === 0
      ? html`<p>No backlog pass on record.</p>`
      : html`<table data-testid="backlog-passes"><thead><tr><th>run</th><th>state</th><th class="n">done</th><th class="n">of</th><th class="n">progress</th><th>status</th></tr></thead><tbody>${data.passes.map(
          (pass) =>
            html`<tr><td><code>${pass.runId}</code></td><td>${pass.state}</td><td class="n">${formatCount(pass.done)}</td><td class="n">${formatCount(pass.total)}</td><td class="n">${percent(pass.done, pass.total)} <meter min="0" max="${Math.max(pass.total, 1)}" value="${pass.done}"></meter></td><td>${pass.line}</td></tr>`,
        )}</tbody></table>`;
  const body = html`<section><h2>Pilots: no-touch verdicts</h2>${pilots}</section><section><h2>Backlog passes</h2>${passes}</section>`;
  return layout({ ...context, current: '/pilots' }, 'Pilots & backlog', body);
}
