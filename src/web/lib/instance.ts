/**
 * Instance settings the server writes into index.html (web-console.routes.ts), so the console
 * knows them before any API call: whether open sign-up is allowed, whether mail is sent, and the
 * registry host. Without a document (server-side rendering in tests) each reads as unset.
 */
function metaContent(name: string): string | undefined {
  if (typeof document === 'undefined') return undefined;
  return document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content;
}

export function signupAllowed(): boolean {
  return metaContent('tokenhub-signup') !== 'closed';
}

/** Whether the instance sends mail (`TOKENHUB_SMTP_URL`): "Forgot password?" is offered only then. */
export function mailEnabled(): boolean {
  return metaContent('tokenhub-mail') === 'on';
}

/** `host[:port]` of the registry for `docker login <host>`, or undefined when the server has none set. */
export function registryHost(): string | undefined {
  return metaContent('tokenhub-registry') || undefined;
}
