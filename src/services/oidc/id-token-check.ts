/**
 * Checks a CI's identity token for one connection (docs/oidc.md, "How a token is checked"), each
 * refusal saying why in words for the failure log:
 *
 *   size → JWS compact form → algorithm (asymmetric only) → issuer allowed by the operator → `iss`
 *   equals the connection's issuer → the issuer's keys (discovery, JWKS) → jose's `jwtVerify`:
 *   signature, `iss`, `aud`, `exp`/`nbf`/`iat` with the configured skew, maximum age → `sub`
 *
 * Claims read before the signature is checked only choose what to fetch and what to say; nothing
 * is granted on them.
 */
import { decodeJwt, decodeProtectedHeader, errors, type JWTPayload, jwtVerify } from 'jose';
import type { OidcSettings } from '../../config.ts';
import type { AppError } from '../../core/errors.ts';
import { maxIdTokenBytes, oidcSigningAlgorithms, refusal } from '../../core/oidc-rules.ts';
import type { IssuerKeys } from './issuer-keys.ts';
import { IssuerDocumentError, issuerRefusal } from './issuer-policy.ts';

/** What the connection expects of a token. */
export interface TokenExpectations {
  issuer: string;
  audience: string;
}

/** Claims read without checking the signature: for choosing a connection and for the failure log. */
export function peekClaims(token: string): JWTPayload | undefined {
  if (token.length > maxIdTokenBytes) return undefined;
  try {
    return decodeJwt(token);
  } catch {
    return undefined;
  }
}

/** True when `text` has the shape of a JWS in compact form (three base64url parts). */
export function looksLikeJwt(text: string): boolean {
  return /^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(text);
}

const quote = (value: unknown) => JSON.stringify(value)?.slice(0, 300) ?? String(value);

/**
 * @returns the verified claims; `sub` is a non-empty string.
 * @throws AppError OIDC_TOKEN_REFUSED with the reason.
 */
export async function checkIdToken(
  keys: IssuerKeys,
  settings: OidcSettings,
  now: Date,
  expected: TokenExpectations,
  token: string,
): Promise<JWTPayload & { sub: string }> {
  const bytes = Buffer.byteLength(token);
  if (bytes > maxIdTokenBytes)
    throw refusal(`token is ${bytes} bytes, at most ${maxIdTokenBytes} are accepted`);
  if (token.split('.').length === 5)
    throw refusal('token is encrypted (JWE); send the signed identity token');
  let alg: unknown;
  let unverified: JWTPayload;
  try {
    alg = decodeProtectedHeader(token).alg;
    unverified = decodeJwt(token);
  } catch (error) {
    throw refusal(`not a signed JWT: ${(error as Error).message}`);
  }
  if (!(oidcSigningAlgorithms as readonly unknown[]).includes(alg)) {
    throw refusal(
      `algorithm ${quote(alg)} is not accepted${alg === 'none' ? ' (an unsigned token)' : ''}; use one of ${oidcSigningAlgorithms.join(', ')}`,
    );
  }
  const notAllowed = issuerRefusal(settings, expected.issuer);
  if (notAllowed) throw refusal(notAllowed);
  if (unverified.iss !== expected.issuer)
    throw refusal(`issuer was ${quote(unverified.iss)}, expected ${expected.issuer}`);
  let payload: JWTPayload;
  try {
    const resolver = await keys.keysFor(expected.issuer);
    ({ payload } = await jwtVerify(token, resolver, {
      issuer: expected.issuer,
      audience: expected.audience,
      algorithms: [...oidcSigningAlgorithms],
      clockTolerance: settings.clockSkewSeconds,
      maxTokenAge: settings.maxTokenAgeSeconds,
      currentDate: now,
      requiredClaims: ['sub', 'exp', 'iat'],
    }));
  } catch (error) {
    throw refusalFor(error, { settings, now, expected, token });
  }
  if (typeof payload.sub !== 'string' || payload.sub === '' || payload.sub.length > 1024) {
    throw refusal('token has no usable sub claim (a string of 1 to 1024 characters)');
  }
  return payload as JWTPayload & { sub: string };
}

interface Context {
  settings: OidcSettings;
  now: Date;
  expected: TokenExpectations;
  token: string;
}

/** jose's errors (and the fetcher's) in words; anything unexpected still refuses, never a 500. */
function refusalFor(error: unknown, { settings, now, expected, token }: Context): AppError {
  const seconds = Math.floor(now.getTime() / 1000);
  if (error instanceof IssuerDocumentError)
    return refusal(`could not read the issuer's keys: ${error.message}`);
  if (error instanceof errors.JWKSTimeout) {
    return refusal(`the issuer's key set did not answer within ${settings.fetchTimeoutMs} ms`);
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    let kid: unknown;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      kid = undefined;
    }
    return refusal(
      `unknown key: the issuer's key set has no key ${kid === undefined ? 'for this token (no kid)' : quote(kid)} (fetched again at most every ${settings.keysRefreshCooldownSeconds} s)`,
    );
  }
  if (error instanceof errors.JWKSMultipleMatchingKeys) {
    return refusal("the token names no kid and several of the issuer's keys could match");
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return refusal("signature does not verify with the issuer's key");
  }
  if (error instanceof errors.JWTExpired) {
    const { payload, claim } = error;
    if (claim === 'iat' && typeof payload.iat === 'number') {
      return refusal(
        `token was issued ${seconds - payload.iat} s ago; tokens older than ${settings.maxTokenAgeSeconds} s are refused`,
      );
    }
    const exp = typeof payload.exp === 'number' ? payload.exp : seconds;
    return refusal(`token expired ${seconds - exp} s ago`);
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    const { payload, claim, reason } = error;
    if (reason === 'missing') return refusal(`token has no ${claim} claim`);
    if (claim === 'aud') return refusal(`audience was ${quote(payload.aud)}, expected ${expected.audience}`);
    if (claim === 'iss') return refusal(`issuer was ${quote(payload.iss)}, expected ${expected.issuer}`);
    if (claim === 'nbf' && typeof payload.nbf === 'number') {
      return refusal(
        `token is not valid before ${new Date(payload.nbf * 1000).toISOString()} (${payload.nbf - seconds} s from now)`,
      );
    }
    if (claim === 'iat' && typeof payload.iat === 'number') {
      return refusal(`token was issued ${payload.iat - seconds} s in the future`);
    }
    return refusal(`claim ${claim} is invalid: ${error.message}`);
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return refusal(`algorithm not accepted: ${error.message}`);
  if (error instanceof errors.JOSEError)
    return refusal(`the token or the issuer's key set is unusable: ${error.message}`);
  return refusal(`the token could not be checked: ${(error as Error)?.message ?? String(error)}`);
}
