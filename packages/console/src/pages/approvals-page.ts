import type { ApprovalStatus } from '@birth-lane/contract';
import { html } from '../html.js';
import { type LayoutContext, layout, path } from '../layout.js';

export interface ApprovalsPageData {
  readonly open: readonly ApprovalStatus[];
  /** The approver roles this login holds (database memberships). */
  readonly myRoles: readonly string[];
  /** The outcome of the vote just cast (or refused), shown once. */
  readonly notice?: { readonly ok: boolean; readonly text: string };
}

/**
 * Open requests with what each still needs for quorum, in the database's words, and a vote form
 * per request. The form is shown to every login; the database decides whether the vote counts,
 * and a refusal is shown as the database gave it.
 */
export function approvalsPage(context: LayoutContext, data: ApprovalsPageData): string {
  const roles =
    data.myRoles.length > 0
      ? html`<p>You hold <strong data-testid="my-roles">${data.myRoles.join(', ')}</strong>: your votes count as that role.</p>`
      : html`<p data-testid="my-roles-none">Your login holds no approver role: the database will refuse a vote from it.</p>`;
  const notice = data.notice
    ? html`<p class="${data.notice.ok ? 'notice' : 'error'}" role="status" data-testid="vote-result">${data.notice.text}</p>`
    : '';
  const rows = data.open.map(
    (request) => html`<article class="approval" data-testid="approval-${request.id}">
  <h2>#${request.id} <code>${request.action}</code> <span class="muted">${request.risk} risk (at least ${request.minimumRisk})</span></h2>
  <dl class="figures">
    <dt>scope</dt><dd><code>${JSON.stringify(request.scope)}</code></dd>
    <dt>proposer</dt><dd>${request.proposer}</dd>
    <dt>reason</dt><dd>${request.reason}</dd>
    <dt>expires</dt><dd>${request.expiresAt.toISOString()}</dd>
    <dt>counted</dt><dd>${request.counted.president} president, ${request.counted.aiCouncil} ai_council, ${request.counted.approvals} approvals, ${request.counted.rejects} rejects</dd>
    <dt>quorum</dt><dd data-testid="quorum-${request.id}">${request.quorumMet ? 'met' : html`missing: ${request.missing.join(', ')}`}</dd>
    <dt>votes</dt><dd>${request.votes.length === 0 ? 'none' : request.votes.map((vote, index) => html`${index > 0 ? '; ' : ''}${vote.voter} (${vote.role}) ${vote.decision}`)}</dd>
  </dl>
  <form method="post" action="${path(`/approvals/${request.id}/vote`)}" class="vote">
    <input type="hidden" name="csrf" value="${context.csrfToken ?? ''}">
    <label>Comment <input name="comment" maxlength="500"></label>
    <button type="submit" name="decision" value="approve">Approve as ${context.login ?? ''}</button>
    <button type="submit" name="decision" value="reject">Reject</button>
  </form>
</article>`,
  );
  const body = html`${notice}${roles}${data.open.length === 0 ? html`<p>No open approval request.</p>` : rows}`;
  return layout({ ...context, current: '/approvals' }, 'Approvals', body);
}
