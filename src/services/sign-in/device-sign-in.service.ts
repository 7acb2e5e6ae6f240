/**
 * OAuth 2.0 device authorization grant (RFC 8628): a device without a browser (the tokenhub CLI,
 * an IDE) gets a device code and a short user code; the user opens the verification page, signs in
 * with a password and approves; the device, polling `/oauth/token`, then receives a new
 * auto-generated PAT (auto-token.service.ts) and, when it asked with `scope=session`, the refresh
 * token of a CLI session (account-session.service.ts): one sign-in that also manages the account's
 * tokens, listed among its sessions. Each step is a short list of checks:
 *
 *   start:   check client and scope → draw codes → store the code's SHA-256 and the normalized user code
 *   poll:    grant type → device code → client → expiry → denied / pending (paced) / approved → token
 *            (and the CLI session asked for)
 *   decide:  user code → pending and unexpired → approve or deny (once) → audit
 *
 * The device code is a bearer secret (32 random bytes); only its hash is stored. The user code is
 * short (20^8 ≈ 2.6·10^10) because a person types it; it is unique among pending requests, lives
 * `deviceCodeTtlSeconds`, and is only useful to someone signed in.
 */
import type { AccountRef } from '../../core/account-rules.ts';
import {
  type DeviceSignIn,
  formatUserCode,
  generateUserCode,
  normalizeUserCode,
} from '../../core/device-sign-in-rules.ts';
import { sha256Hex } from '../../core/digest.ts';
import { AppError, fieldError } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { randomUrlSafe } from '../../core/random.ts';
import type { TokenSecret } from '../../core/token-secret.ts';
import {
  decideDeviceSignIn,
  findDeviceSignInByCodeHash,
  findDeviceSignInByUserCode,
  insertDeviceSignIn,
  recordDevicePoll,
  slowDownDevicePolling,
} from '../../storage/device-sign-in.repository.ts';
import { isUniqueViolation } from '../../storage/unique-violation.ts';
import { findUserById } from '../../storage/user.repository.ts';
import { queueSecurityNotice } from '../mail/security-notice.service.ts';
import { recordAudit } from '../shared/audit.service.ts';
import type { RequestMeta, ServiceContext } from '../shared/context.ts';
import { createAutoToken } from '../tokens/auto-token.service.ts';
import { openAccountSession } from './account-session.service.ts';

export const deviceCodeGrantType = 'urn:ietf:params:oauth:grant-type:device_code';
const clientTextMaxLength = 100;
/** RFC 8628 §3.5: each `slow_down` adds this to the interval. */
const slowDownStepSeconds = 5;

function hashDeviceCode(deviceCode: string): string {
  return sha256Hex(deviceCode);
}

/** A client-supplied name: trimmed, at most 100 characters, no control characters. */
function clientText(field: 'client_id' | 'client_name', raw: string | undefined, required: boolean): string {
  const value = (raw ?? '').trim();
  if (required && value === '') throw new AppError('OAUTH_INVALID_REQUEST', `${field} is required`);
  if ([...value].length > clientTextMaxLength) {
    throw new AppError('OAUTH_INVALID_REQUEST', `${field} must be at most ${clientTextMaxLength} characters`);
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
  if (/[\u0000-\u001f\u007f]/.test(value)) {
    throw new AppError('OAUTH_INVALID_REQUEST', `${field} must not contain control characters`);
  }
  return value;
}

/** The one scope a device may ask for: a CLI session next to its token (space-separated list, RFC 6749 §3.3). */
export const deviceSessionScope = 'session';

/** @throws AppError OAUTH_INVALID_REQUEST for a scope other than `session`. */
function sessionRequested(scope: string | undefined): boolean {
  const scopes = (scope ?? '').split(' ').filter(Boolean);
  const unknown = scopes.find((s) => s !== deviceSessionScope);
  if (unknown !== undefined) {
    throw new AppError(
      'OAUTH_INVALID_REQUEST',
      `scope "${unknown.slice(0, 64)}" is not known here: leave it out, or ask for "${deviceSessionScope}"`,
    );
  }
  return scopes.length > 0;
}

/** The RFC 8628 §3.2 device authorization response (its field names are the protocol's). */
export interface DeviceAuthorization {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  /** Seconds. */
  expires_in: number;
  /** Seconds between polls. */
  interval: number;
}

/**
 * Starts a device sign-in (RFC 8628 §3.1).
 * @throws AppError OAUTH_INVALID_REQUEST on a missing or malformed client_id or client_name, or a
 *   scope other than `session`.
 */
export async function startDeviceAuthorization(
  ctx: ServiceContext,
  input: { clientId?: string; clientName?: string; scope?: string },
  meta: RequestMeta,
): Promise<DeviceAuthorization> {
  const clientId = clientText('client_id', input.clientId, true);
  const clientName = clientText('client_name', input.clientName, false);
  const withSession = sessionRequested(input.scope);
  const now = ctx.clock.now();
  const { deviceCodeTtlSeconds: expiresIn, devicePollIntervalSeconds: interval } = ctx.config;
  for (let attempt = 1; ; attempt++) {
    const deviceCode = randomUrlSafe();
    const userCode = generateUserCode();
    try {
      await insertDeviceSignIn(ctx.db, {
        id: newId(),
        kind: 'device',
        deviceCodeHash: hashDeviceCode(deviceCode),
        userCode,
        clientId,
        clientName,
        status: 'pending',
        userId: null,
        tokenId: null,
        ip: meta.ip.slice(0, 64),
        userAgent: meta.userAgent.slice(0, 512),
        createdAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + expiresIn * 1000).toISOString(),
        intervalSeconds: interval,
        lastPolledAt: null,
        decidedAt: null,
        sessionRequested: withSession,
      });
    } catch (error) {
      // A user code still pending elsewhere (rare: 20^8 codes): draw again.
      if (attempt < 5 && isUniqueViolation(error)) continue;
      throw error;
    }
    const verificationUri = `${ctx.config.publicUrl}/device`;
    return {
      device_code: deviceCode,
      user_code: formatUserCode(userCode),
      verification_uri: verificationUri,
      verification_uri_complete: `${verificationUri}?user_code=${formatUserCode(userCode)}`,
      expires_in: expiresIn,
      interval,
    };
  }
}

/**
 * One poll of the device (RFC 8628 §3.4, §3.5). A decided request answers at once; only a pending
 * one is paced (`slow_down` when polled within `interval` of the previous poll, concurrent polls
 * included). The device code is single use: the poll that collects the token spends it.
 * @returns the new auto-generated PAT, its lifetime in seconds, the account that approved it, and
 *   the CLI session the device asked for (its refresh token, shown this once).
 * @throws AppError OAUTH_INVALID_REQUEST, OAUTH_UNSUPPORTED_GRANT_TYPE, OAUTH_INVALID_GRANT,
 *   OAUTH_EXPIRED_TOKEN, OAUTH_ACCESS_DENIED, OAUTH_SLOW_DOWN, OAUTH_AUTHORIZATION_PENDING.
 */
export async function pollDeviceToken(
  ctx: ServiceContext,
  input: { grantType?: string; deviceCode?: string; clientId?: string },
  meta: RequestMeta,
): Promise<{
  accessToken: TokenSecret;
  expiresIn: number;
  username: string;
  session?: { id: string; refreshToken: string; expiresAt: string };
}> {
  if (!input.grantType) throw new AppError('OAUTH_INVALID_REQUEST', 'grant_type is required');
  if (input.grantType !== deviceCodeGrantType) {
    throw new AppError(
      'OAUTH_UNSUPPORTED_GRANT_TYPE',
      `grant_type "${input.grantType.slice(0, 100)}" is not supported here; use ${deviceCodeGrantType}`,
    );
  }
  if (!input.deviceCode) throw new AppError('OAUTH_INVALID_REQUEST', 'device_code is required');
  if (!input.clientId) throw new AppError('OAUTH_INVALID_REQUEST', 'client_id is required');
  const request = await findDeviceSignInByCodeHash(ctx.db, hashDeviceCode(input.deviceCode));
  if (request?.kind !== 'device' || request.status === 'completed') {
    throw new AppError('OAUTH_INVALID_GRANT');
  }
  if (request.clientId !== input.clientId.trim()) {
    throw new AppError('OAUTH_INVALID_GRANT', 'the device code was issued to another client');
  }
  const now = ctx.clock.now();
  if (request.expiresAt <= now.toISOString()) throw new AppError('OAUTH_EXPIRED_TOKEN');
  if (request.status === 'denied') throw new AppError('OAUTH_ACCESS_DENIED');
  if (request.status === 'pending') {
    await pacePoll(ctx, request, now);
    throw new AppError('OAUTH_AUTHORIZATION_PENDING');
  }
  const user = request.userId === null ? undefined : await findUserById(ctx.db, request.userId);
  if (!user) throw new AppError('OAUTH_INVALID_GRANT');
  const { secret } = await createAutoToken(
    ctx,
    user,
    {
      clientId: request.clientId,
      clientName: request.clientName,
      signIn: { kind: 'device', id: request.id },
    },
    meta,
  );
  const expiresIn = ctx.config.deviceSignInTtlDays * 86_400;
  if (!request.sessionRequested) return { accessToken: secret, expiresIn, username: user.username };
  const opened = await openAccountSession(ctx, user, {
    kind: 'cli',
    ttlSeconds: ctx.config.sessions.cliTtlSeconds,
    meta,
    device: request.clientName || request.clientId,
  });
  const session = {
    id: opened.session.id,
    refreshToken: opened.refreshToken ?? '',
    expiresAt: opened.session.expiresAt,
  };
  return { accessToken: secret, expiresIn, username: user.username, session };
}

/** @throws AppError OAUTH_SLOW_DOWN (and lengthens the interval) when this poll comes too soon. */
async function pacePoll(ctx: ServiceContext, request: DeviceSignIn, now: Date): Promise<void> {
  const at = now.toISOString();
  const previous = request.lastPolledAt;
  const tooSoon = previous !== null && now.getTime() - Date.parse(previous) < request.intervalSeconds * 1000;
  if (tooSoon || !(await recordDevicePoll(ctx.db, request.id, previous, at))) {
    await slowDownDevicePolling(ctx.db, request.id, at);
    const wait = request.intervalSeconds + slowDownStepSeconds;
    throw new AppError('OAUTH_SLOW_DOWN', `polling too fast: wait at least ${wait} seconds between polls`);
  }
}

/** @throws AppError DEVICE_CODE_NOT_FOUND (unknown or expired), DEVICE_CODE_DECIDED. */
function assertPending(request: DeviceSignIn | undefined, now: Date): DeviceSignIn {
  if (request?.kind !== 'device' || request.expiresAt <= now.toISOString()) {
    throw new AppError('DEVICE_CODE_NOT_FOUND');
  }
  if (request.status !== 'pending') throw new AppError('DEVICE_CODE_DECIDED');
  return request;
}

/**
 * The pending request a user code names, for the verification page to show who asks.
 * @throws AppError VALIDATION_FAILED (not a user code), DEVICE_CODE_NOT_FOUND, DEVICE_CODE_DECIDED.
 */
export async function findPendingDeviceRequest(
  ctx: ServiceContext,
  rawUserCode: string,
): Promise<DeviceSignIn> {
  const userCode = normalizeUserCode(rawUserCode);
  if (!userCode) {
    throw fieldError('user_code', 'user_code must be the 8 letters the device shows, like BCDF-GHJK');
  }
  return assertPending(await findDeviceSignInByUserCode(ctx.db, userCode), ctx.clock.now());
}

/**
 * Approves or denies the request a user code names, once. Approval lets the device's next poll
 * collect a new auto-generated PAT of `account`.
 * @throws AppError VALIDATION_FAILED, DEVICE_CODE_NOT_FOUND, DEVICE_CODE_DECIDED (also when a
 *   concurrent answer won).
 */
export async function decideDeviceRequest(
  ctx: ServiceContext,
  account: AccountRef,
  rawUserCode: string,
  action: 'approve' | 'deny',
  meta: RequestMeta,
): Promise<DeviceSignIn> {
  const request = await findPendingDeviceRequest(ctx, rawUserCode);
  const status = action === 'approve' ? 'approved' : 'denied';
  const at = ctx.clock.now().toISOString();
  if (!(await decideDeviceSignIn(ctx.db, request.id, status, account.id, at))) {
    const now = ctx.clock.now();
    assertPending(await findDeviceSignInByUserCode(ctx.db, request.userCode ?? ''), now);
    throw new AppError('DEVICE_CODE_DECIDED');
  }
  await recordAudit(ctx, {
    account: { id: account.id, name: account.username },
    action: action === 'approve' ? 'account.device.approve' : 'account.device.deny',
    name: request.clientName || request.clientId,
    actor: { id: account.id, name: account.username },
    meta,
    data: {
      sign_in: request.id,
      client_id: request.clientId,
      client_name: request.clientName,
      device_ip: request.ip,
      device_user_agent: request.userAgent,
      ...(request.sessionRequested ? { cli_session: 'requested' } : {}),
    },
  });
  if (action === 'approve') {
    await queueSecurityNotice(ctx, account, 'device-approved', meta, {
      detail:
        `Device: ${(request.clientName || request.clientId).slice(0, 100)} at ${request.ip}.` +
        (request.sessionRequested
          ? ' It may also manage your access tokens until you end its sign-in (Security → Sessions).'
          : ''),
    });
  }
  return { ...request, status, userId: account.id, decidedAt: at };
}
