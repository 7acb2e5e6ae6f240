/** Instance-wide token policies (docs/api.md, "Token policies"): `config.tokenPolicy`. */
import { integer, type Setting } from './values.ts';

export const tokenPolicySettings = {
  maxLifetimeDays: integer(
    'TOKENHUB_TOKEN_MAX_LIFETIME_DAYS',
    0,
    [0, 366],
    (range) =>
      `Longest lifetime of any personal or organization access token, in days (${range}): creating one that lives longer (or never expires) is refused, and an existing one is refused at use. Auto-generated tokens follow \`TOKENHUB_DEVICE_SIGN_IN_TTL_DAYS\` instead. \`0\`: only the one-year rule of expiry dates.`,
  ),
  unusedExpiryDays: integer(
    'TOKENHUB_TOKEN_UNUSED_EXPIRY_DAYS',
    0,
    [0, 3650],
    (range) =>
      `Tokens not used for this many days expire automatically (hourly check, audited; GitHub uses 365), in days (${range}). \`0\`: never.`,
  ),
} satisfies Record<string, Setting<unknown>>;
