/**
 * Instance settings the server writes into index.html (web-console.routes.ts), so the console
 * knows them before any API call: whether open sign-up is allowed, and whether mail is sent.
 */
export function signupAllowed(): boolean {
  const meta = document.querySelector<HTMLMetaElement>('meta[name="tokenhub-signup"]');
  return meta?.content !== 'closed';
}

/** Whether the instance sends mail (`TOKENHUB_SMTP_URL`): "Forgot password?" is offered only then. */
export function mailEnabled(): boolean {
  const meta = document.querySelector<HTMLMetaElement>('meta[name="tokenhub-mail"]');
  return meta?.content === 'on';
}
