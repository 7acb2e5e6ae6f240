/**
 * The two ways `tokenhub login` signs in, each ending in what the credential store keeps:
 * - the device sign-in (default): an auto-generated PAT, kind `auto`;
 * - a username with a secret (`--password-stdin`, or a hidden prompt on a terminal): a PAT or OAT
 *   is kept as given (kind `pat`/`oat`); a password opens a CLI session on the server whose refresh
 *   token is kept (kind `cli-session`; an older server's 10-minute JWT, `password-session`), never
 *   the password.
 */
import { openCliSession } from './cli-session.ts';
import type { StoredCredential } from './credential-store.ts';
import { revokeAutoToken } from './device-flow.ts';
import { ApiError, apiRequest } from './http-client.ts';
import { accessTokenKind, exchangeForSession, jwtExpiry } from './password-login.ts';
import { canPrompt, promptLine } from './terminal.ts';

/** The account name as the server spells it (`GET /v2/users/me`); an OAT session keeps `fallback`. */
async function canonicalUsername(server: string, session: string, fallback: string): Promise<string> {
  try {
    const { body } = await apiRequest<{ username: string }>(server, 'GET', '/v2/users/me', {
      bearer: session,
    });
    return body.username;
  } catch (error) {
    if (error instanceof ApiError && error.status === 403) return fallback.toLowerCase();
    throw error;
  }
}

/** Signs in with a username and a password or access token. */
export async function signInWithSecret(
  server: string,
  username: string,
  secret: string,
  now: Date,
): Promise<StoredCredential> {
  if (secret === '') throw new Error('the password is empty');
  const session = await exchangeForSession(server, username, secret);
  const tokenKind = accessTokenKind(secret);
  const name = await canonicalUsername(server, session, username);
  const signedInAt = now.toISOString();
  if (tokenKind) return { username: name, kind: tokenKind, token: secret, signed_in_at: signedInAt };
  const cli = await openCliSession(server, session);
  if (cli) {
    return {
      username: name,
      kind: 'cli-session',
      token: cli.refresh_token,
      session_id: cli.session_id,
      signed_in_at: signedInAt,
      expires_at: cli.expires_at,
    };
  }
  const expiresAt = jwtExpiry(session);
  return {
    username: name,
    kind: 'password-session',
    token: session,
    signed_in_at: signedInAt,
    ...(expiresAt ? { expires_at: expiresAt } : {}),
  };
}

/**
 * Names the account that approved a device sign-in and checks the token with it (an exchange at
 * `POST /v2/auth/token`). The token reply does not say who approved (RFC 8628 has no such field),
 * unless the server adds `username`; otherwise the candidates are `TOKENHUB_USERNAME`, the
 * username stored for this server, and, on a terminal, what the user types. A token no candidate
 * can use is revoked.
 * @throws Error when no candidate works.
 */
export async function confirmDeviceAccount(
  server: string,
  token: string,
  candidates: readonly (string | undefined)[],
): Promise<string> {
  const tried = new Set<string>();
  const attempt = async (name: string): Promise<string | undefined> => {
    if (tried.has(name.toLowerCase())) return undefined;
    tried.add(name.toLowerCase());
    try {
      return await canonicalUsername(server, await exchangeForSession(server, name, token), name);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return undefined;
      throw error;
    }
  };
  for (const candidate of candidates) {
    const found = candidate ? await attempt(candidate) : undefined;
    if (found) return found;
  }
  if (canPrompt()) {
    const typed = await promptLine(`Signed in. Your username on ${server}: `);
    const found = typed ? await attempt(typed) : undefined;
    if (found) return found;
  }
  await revokeAutoToken(server, token).catch(() => undefined);
  throw new Error(
    tried.size === 0
      ? 'the server did not say which account approved the sign-in: set TOKENHUB_USERNAME and log in again'
      : `the sign-in was approved by an account other than ${[...tried].join(', ')}: set TOKENHUB_USERNAME and log in again`,
  );
}

/**
 * What the store keeps for a server after a sign-in. A password session of the account already
 * signed in with a token is kept next to that token (so docker keeps its credential and token
 * management works for the session's 10 minutes); anything else replaces the previous entry.
 */
export function mergeSignIn(
  previous: StoredCredential | undefined,
  next: StoredCredential,
): StoredCredential {
  const isSession = (kind: StoredCredential['kind']) => kind === 'password-session' || kind === 'cli-session';
  if (isSession(next.kind) && previous && !isSession(previous.kind) && previous.username === next.username) {
    const { password_session: _replaced, ...rest } = previous;
    return {
      ...rest,
      password_session: {
        token: next.token,
        ...(next.expires_at ? { expires_at: next.expires_at } : {}),
        ...(next.session_id ? { session_id: next.session_id } : {}),
      },
    };
  }
  return next;
}
