/** How identity tokens from CI issuers are checked (docs/oidc.md): `config.oidc`. */
import { maxIssuerDocumentBytes } from '../core/oidc-rules.ts';
import { flag, integer, list, type Setting } from './values.ts';

export const oidcSettings = {
  allowedIssuers: list(
    'TOKENHUB_OIDC_ALLOWED_ISSUERS',
    'Issuer URLs OIDC connections may trust, comma-separated and compared exactly (`https://token.actions.githubusercontent.com,https://gitlab.com`). Unset: any https issuer. Checked when a connection is saved and at every token check. See docs/oidc.md.',
  ),
  allowHttpLoopback: flag(
    'TOKENHUB_OIDC_ALLOW_HTTP_LOOPBACK',
    false,
    'Lets OIDC connections name a plain `http://` issuer on a loopback host (`localhost`, `127.0.0.1`, `::1`). For tests only.',
  ),
  allowPrivateAddresses: flag(
    'TOKENHUB_OIDC_ALLOW_PRIVATE_ADDRESSES',
    false,
    'Fetches OIDC discovery documents and key sets from private, loopback and link-local addresses (an in-cluster Kubernetes issuer, a GitLab on the internal network). Off: such an address is refused, after DNS, on every connection.',
  ),
  fetchTimeoutMs: integer(
    'TOKENHUB_OIDC_FETCH_TIMEOUT_MS',
    5000,
    [100, 30_000],
    (range) =>
      `Deadline of one fetch of an issuer's discovery document or key set, whole body included, in milliseconds (${range}). Documents over ${maxIssuerDocumentBytes / 1024} KiB and redirects are refused.`,
  ),
  clockSkewSeconds: integer(
    'TOKENHUB_OIDC_CLOCK_SKEW_SECONDS',
    60,
    [0, 300],
    (range) =>
      `Clock difference tolerated on an identity token's \`exp\`, \`nbf\` and \`iat\`, in seconds (${range}).`,
  ),
  maxTokenAgeSeconds: integer(
    'TOKENHUB_OIDC_MAX_TOKEN_AGE_SECONDS',
    3600,
    [60, 86_400],
    (range) =>
      `Oldest identity token accepted, counted from its \`iat\`, in seconds (${range}), whatever its \`exp\` says.`,
  ),
  keysCacheSeconds: integer(
    'TOKENHUB_OIDC_KEYS_CACHE_SECONDS',
    600,
    [10, 86_400],
    (range) =>
      `How long an issuer's discovery document and key set are used before they are fetched again, in seconds (${range}).`,
  ),
  keysRefreshCooldownSeconds: integer(
    'TOKENHUB_OIDC_KEYS_REFRESH_COOLDOWN_SECONDS',
    30,
    [0, 600],
    (range) =>
      `A token signed with an unknown \`kid\` fetches the issuer's key set again, at most once per this many seconds (${range}).`,
  ),
} satisfies Record<string, Setting<unknown>>;
