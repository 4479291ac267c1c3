import { html } from '../html.js';
import { layout, path } from '../layout.js';

export function loginPage(options: {
  readonly csrfToken: string;
  readonly error?: string;
  readonly login?: string;
  readonly next?: string;
  readonly trustAuthentication: boolean;
}): string {
  const body = html`<p>Sign in with your own database login. Every page is read, and every vote cast, as that login: the database decides what you may see and do.</p>
${options.error ? html`<p class="error" role="alert" data-testid="login-error">${options.error}</p>` : ''}
<form class="login" method="post" action="${path('/login')}">
  <input type="hidden" name="csrf" value="${options.csrfToken}">
  <input type="hidden" name="next" value="${options.next ?? ''}">
  <label>Database login <input name="login" autocomplete="username" required value="${options.login ?? ''}"></label>
  <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
  <button type="submit">Sign in</button>
</form>`;
  return layout(
    { login: null, csrfToken: null, trustAuthentication: options.trustAuthentication },
    'Sign in',
    body,
  );
}

/** A page for what went wrong, in words, with the status it is sent with. */
export function messagePage(
  context: Parameters<typeof layout>[0],
  title: string,
  message: string,
  hint?: string,
): string {
  return layout(
    context,
    title,
    html`<p class="error" role="alert" data-testid="error">${message}</p>${hint ? html`<p>${hint}</p>` : ''}`,
  );
}
