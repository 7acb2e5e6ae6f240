/**
 * Instance settings the server writes into index.html (web-console.routes.ts), so the console
 * knows them before any API call: whether open sign-up is allowed, and the registry host.
 */
export function signupAllowed(): boolean {
  const meta = document.querySelector<HTMLMetaElement>('meta[name="tokenhub-signup"]');
  return meta?.content !== 'closed';
}

/** `host[:port]` of the registry for `docker login <host>`, or undefined when the server has none set. */
export function registryHost(): string | undefined {
  const meta = document.querySelector<HTMLMetaElement>('meta[name="tokenhub-registry"]');
  return meta?.content || undefined;
}
