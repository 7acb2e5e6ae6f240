/**
 * The fields of an OIDC connection other than its rulesets, with no I/O: label, token lifetime,
 * audience, and the issuer URL (docs/oidc.md).
 */
import { fieldError } from './errors.ts';
import {
  audienceMaxLength,
  connectionLabelMaxLength,
  issuerMaxLength,
  oidcTokenLifetime,
} from './oidc-rules.ts';

/** @throws AppError VALIDATION_FAILED naming `label`. */
export function assertConnectionLabel(label: string): string {
  const trimmed = label.trim();
  if (trimmed.length === 0) throw fieldError('label', 'label must not be empty');
  if ([...trimmed].length > connectionLabelMaxLength) {
    throw fieldError('label', `label must be at most ${connectionLabelMaxLength} characters`);
  }
  return trimmed;
}

/** @throws AppError VALIDATION_FAILED naming `token_ttl_seconds`. */
export function assertTokenLifetime(seconds: number | undefined): number {
  if (seconds === undefined) return oidcTokenLifetime.defaultSeconds;
  const { minSeconds, maxSeconds } = oidcTokenLifetime;
  if (!Number.isInteger(seconds) || seconds < minSeconds || seconds > maxSeconds) {
    throw fieldError(
      'token_ttl_seconds',
      `token_ttl_seconds must be between ${minSeconds} and ${maxSeconds}`,
    );
  }
  return seconds;
}

/** @throws AppError VALIDATION_FAILED naming `audience`. */
export function assertAudience(audience: string): string {
  const trimmed = audience.trim();
  if (trimmed.length === 0) throw fieldError('audience', 'audience must not be empty');
  if (trimmed.length > audienceMaxLength) {
    throw fieldError('audience', `audience must be at most ${audienceMaxLength} characters`);
  }
  return trimmed;
}

/**
 * The issuer URL as tokens must name it (`iss`, compared exactly, so never rewritten): absolute,
 * `https` (plain `http` only on a loopback host, when `allowHttpLoopback`), without credentials,
 * query or fragment.
 * @throws AppError VALIDATION_FAILED naming `issuer`.
 */
export function assertIssuerUrl(raw: string, options: { allowHttpLoopback: boolean }): string {
  const issuer = raw.trim();
  const refuse = (why: string) => fieldError('issuer', `issuer ${why}`);
  if (issuer.length > issuerMaxLength) throw refuse(`must be at most ${issuerMaxLength} characters`);
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw refuse('must be an absolute URL such as https://token.actions.githubusercontent.com');
  }
  if (
    url.username ||
    url.password ||
    url.search ||
    url.hash ||
    issuer.includes('?') ||
    issuer.includes('#')
  ) {
    throw refuse('must not have credentials, a query or a fragment');
  }
  if (url.protocol === 'http:') {
    if (!options.allowHttpLoopback || !isLoopbackHost(url.hostname)) {
      throw refuse(
        options.allowHttpLoopback
          ? 'must use https (http is allowed on loopback hosts only)'
          : 'must use https (this instance does not allow http issuers)',
      );
    }
  } else if (url.protocol !== 'https:') {
    throw refuse('must use https');
  }
  return issuer;
}

/** `localhost`, 127.0.0.0/8 and ::1, as a URL's hostname writes them. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}
