/** Fair-use throttles (docs/limits.md): `config.rateLimits`; a disabled one is `undefined`. */
import { rateLimit, type Setting } from './values.ts';

export const rateLimitSettings = {
  patCreate: rateLimit(
    'TOKENHUB_RATE_LIMIT_PAT_CREATE',
    '50/1h',
    'Personal access tokens an account may create (`POST /v2/access-tokens`) per window, as `<limit>/<window>`; the window in seconds or with `s`, `m`, `h`, `d`. `0` disables. See docs/limits.md.',
  ),
  loginFailuresPerAccount: rateLimit(
    'TOKENHUB_RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT',
    '10/15m',
    'Failed password sign-ins per account name from addresses that never signed in to it (Hub login routes and `/token`): past it, such addresses get 429 until the window ends, while addresses the account signed in from keep their own budget. `0` disables.',
  ),
  loginFailuresPerAccountAddress: rateLimit(
    'TOKENHUB_RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT_ADDRESS',
    '10/15m',
    'Failed password sign-ins per account name and client address, before further attempts from that address, right or wrong, get 429 until the window ends. `0` disables.',
  ),
  loginFailuresPerIp: rateLimit(
    'TOKENHUB_RATE_LIMIT_LOGIN_FAILURES_PER_IP',
    '50/15m',
    'Failed sign-ins per client address (passwords and tokens, IPv6 by network prefix), as above. `0` disables.',
  ),
  signupsPerIp: rateLimit(
    'TOKENHUB_RATE_LIMIT_SIGNUPS_PER_IP',
    '10/1h',
    'Sign-ups (`POST /v2/users`, each one an argon2id hash) per client address. `0` disables.',
  ),
  twoFactorFailures: rateLimit(
    'TOKENHUB_RATE_LIMIT_TWO_FACTOR_FAILURES',
    '10/15m',
    'Wrong two-factor codes per account (on top of 5 per login token). `0` disables.',
  ),
  deviceCodesPerIp: rateLimit(
    'TOKENHUB_RATE_LIMIT_DEVICE_CODES_PER_IP',
    '50/1h',
    'Device sign-ins started (`POST /oauth/device/code`) per client address. Each one is a pending request stored until it expires. `0` disables.',
  ),
  tokenPerPrincipal: rateLimit(
    'TOKENHUB_RATE_LIMIT_TOKEN_PER_PRINCIPAL',
    '0',
    'Registry tokens (`/token`) per account (`user:<id>`, password or PAT) or per OAT (`oat:<token id>`) per window, e.g. `600/1m`. `0` (the default) disables.',
  ),
} satisfies Record<string, Setting<unknown>>;
