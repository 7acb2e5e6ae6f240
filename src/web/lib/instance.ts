/**
 * Instance settings the server writes into index.html (web-console.routes.ts), so the console
 * knows them before any API call: whether open sign-up is allowed.
 */
export function signupAllowed(): boolean {
  const meta = document.querySelector<HTMLMetaElement>('meta[name="tokenhub-signup"]');
  return meta?.content !== 'closed';
}
