import { html, type SafeHtml } from './html.js';

/** Where the console's pages live; `/` redirects here (the agent API owns /runs/:id). */
export const CONSOLE_BASE = '/console';
export const ASSETS_BASE = `${CONSOLE_BASE}/assets`;

export const path = (page: string): string => `${CONSOLE_BASE}${page}`;

const NAV: readonly (readonly [string, string])[] = [
  ['/', 'Overview'],
  ['/runs', 'Runs'],
  ['/failures', 'Failures'],
  ['/approvals', 'Approvals'],
  ['/pilots', 'Pilots & backlog'],
];

export interface LayoutContext {
  readonly login: string | null;
  readonly csrfToken: string | null;
  /** The server lets any password in; the operator opted in, and every page says so. */
  readonly trustAuthentication: boolean;
  /** The page's nav entry, e.g. `/runs`. */
  readonly current?: string;
}

/**
 * Every page's frame: the nav, who is signed in with a logout button (a POST with the CSRF token,
 * so another site cannot sign anyone out), the trust-authentication banner, and no inline script
 * or style (the Content-Security-Policy allows only the console's own files).
 */
export function layout(
  context: LayoutContext,
  title: string,
  body: SafeHtml,
  scripts: readonly string[] = [],
): string {
  const nav = NAV.map(
    ([page, label]) =>
      html`<a href="${path(page)}"${context.current === page ? html` aria-current="page"` : ''}>${label}</a>`,
  );
  const who =
    context.login && context.csrfToken
      ? html`<form class="logout" method="post" action="${path('/logout')}">
          <span>signed in as <strong data-testid="login">${context.login}</strong></span>
          <input type="hidden" name="csrf" value="${context.csrfToken}">
          <button type="submit">Log out</button>
        </form>`
      : '';
  const banner = context.trustAuthentication
    ? html`<p class="banner" role="alert">Demo mode: this database server accepts any password (trust authentication). Logins here prove nothing about who is signed in; never use this setting on a real server.</p>`
    : '';
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · birth-lane console</title>
<link rel="stylesheet" href="${ASSETS_BASE}/console.css">
${scripts.map((script) => (script.endsWith('.css') ? html`<link rel="stylesheet" href="${ASSETS_BASE}/${script}">` : html`<script src="${ASSETS_BASE}/${script}" defer></script>`))}
</head>
<body>
<header>
  <span class="brand">birth-lane</span>
  ${context.login ? html`<nav>${nav}</nav>` : ''}
  ${who}
</header>
${banner}
<main>
<h1>${title}</h1>
${body}
</main>
</body>
</html>
`.value;
}
