/**
 * Auto-generated tokens and device sign-ins on SQLite and PostgreSQL: the repository's once-only
 * state changes, the cap of 5 (sequential and 20 at once), the expiry sweep, revocation, and the
 * sign-in going with its token.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maintenanceTasks } from '../../src/api/app.ts';
import type { DeviceSignIn } from '../../src/core/device-sign-in-rules.ts';
import { generateTokenSecret } from '../../src/core/token-secret.ts';
import { expiredAutoTokens, sweepExpiredAutoTokens } from '../../src/services/tokens/auto-token.service.ts';
import {
  completeDeviceSignIn,
  decideDeviceSignIn,
  insertDeviceSignIn,
  recordDevicePoll,
  slowDownDevicePolling,
} from '../../src/storage/device-sign-in.repository.ts';
import { findUserByUsername, lockUser } from '../../src/storage/user.repository.ts';
import { createTestApp, defaultPassword, type TestApp } from '../support/app-harness.ts';
import { testDialects } from '../support/databases.ts';
import { storedToken } from '../support/rows.ts';

const grantType = 'urn:ietf:params:oauth:grant-type:device_code';

function deviceRequest(overrides: Partial<DeviceSignIn>): DeviceSignIn {
  return {
    id: crypto.randomUUID(),
    kind: 'device',
    deviceCodeHash: crypto.randomUUID().replaceAll('-', '').padEnd(64, '0'),
    userCode: 'BCDFGHJK',
    clientId: 'cli',
    clientName: '',
    status: 'pending',
    userId: null,
    tokenId: null,
    ip: '127.0.0.1',
    userAgent: 'ua',
    createdAt: '2026-03-01T12:00:00.000Z',
    expiresAt: '2026-03-01T12:10:00.000Z',
    intervalSeconds: 5,
    lastPolledAt: null,
    decidedAt: null,
    sessionRequested: false,
    ...overrides,
  };
}

describe.each(testDialects('auto-generated tokens'))('auto-generated tokens on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ dialect });
  });
  afterAll(async () => t.close());

  async function account(username: string): Promise<{ jwt: string; id: string }> {
    await t.signUp(username);
    const user = await findUserByUsername(t.database.db, username);
    return { jwt: await t.login(username, defaultPassword), id: user?.id ?? '' };
  }
  const startDevice = async () =>
    (
      await t.inject({
        method: 'POST',
        url: '/oauth/device/code',
        body: { client_id: 'cli', client_name: 'box' },
      })
    ).json<{
      device_code: string;
      user_code: string;
    }>();
  const approve = (jwt: string, userCode: string) =>
    t.inject({
      method: 'POST',
      url: '/v2/device/verify',
      jwt,
      body: { user_code: userCode, action: 'approve' },
    });
  const poll = (deviceCode: string) =>
    t.inject({
      method: 'POST',
      url: '/oauth/token',
      body: { grant_type: grantType, device_code: deviceCode, client_id: 'cli' },
    });
  async function deviceSignIn(jwt: string): Promise<string> {
    const started = await startDevice();
    expect((await approve(jwt, started.user_code)).statusCode).toBe(200);
    const res = await poll(started.device_code);
    expect(res.statusCode).toBe(200);
    return res.json().access_token;
  }
  async function desktopSignIn(jwt: string): Promise<string> {
    const res = await t.inject({ method: 'POST', url: '/v2/access-tokens/desktop-generate', jwt });
    expect(res.statusCode).toBe(201);
    return res.json().data.token;
  }
  const works = async (username: string, secret: string) =>
    (await t.inject({ method: 'POST', url: '/v2/auth/token', body: { identifier: username, secret } }))
      .statusCode === 200;
  const autoTokensOf = async (userId: string) =>
    t.database.db
      .selectFrom('access_tokens')
      .select(['id', 'label'])
      .where('owner_id', '=', userId)
      .where('generated_by', '=', 'auto')
      .execute();
  const signInOf = (tokenId: string) =>
    t.database.db
      .selectFrom('device_sign_ins')
      .selectAll()
      .where('token_id', '=', tokenId)
      .executeTakeFirst();
  const auditOf = (userId: string, action: string) =>
    t.database.db
      .selectFrom('audit_events')
      .selectAll()
      .where('account_id', '=', userId)
      .where('action', '=', action)
      .execute();
  const reasons = async (userId: string) =>
    (await auditOf(userId, 'account.access_token.auto_remove')).map(
      (e) => JSON.parse(e.data).reason as string,
    );

  it('repository: a pending user code is unique; polls, answers and completion each happen once', async () => {
    const db = t.database.db;
    const { id: userId } = await account('repo');
    const first = deviceRequest({ userCode: 'QQQQWWWW' });
    await insertDeviceSignIn(db, first);
    await expect(insertDeviceSignIn(db, deviceRequest({ userCode: 'QQQQWWWW' }))).rejects.toThrow();
    expect(await recordDevicePoll(db, first.id, null, '2026-03-01T12:00:01.000Z')).toBe(true);
    expect(await recordDevicePoll(db, first.id, null, '2026-03-01T12:00:02.000Z')).toBe(false);
    await slowDownDevicePolling(db, first.id, '2026-03-01T12:00:02.000Z');
    const at = '2026-03-01T12:00:03.000Z';
    expect(await completeDeviceSignIn(db, first.id, userId, at)).toBe(false); // not approved yet
    expect(await decideDeviceSignIn(db, first.id, 'approved', userId, at)).toBe(true);
    expect(await decideDeviceSignIn(db, first.id, 'denied', userId, at)).toBe(false);
    // Once answered, the code may name a new pending request.
    await insertDeviceSignIn(db, deviceRequest({ userCode: 'QQQQWWWW' }));
    expect(await completeDeviceSignIn(db, first.id, 'someone-else', at)).toBe(false);
    expect(await completeDeviceSignIn(db, first.id, userId, '2026-03-01T12:10:00.000Z')).toBe(false); // expired
    expect(await completeDeviceSignIn(db, first.id, userId, at)).toBe(true);
    expect(await completeDeviceSignIn(db, first.id, userId, at)).toBe(false);
    const row = await db
      .selectFrom('device_sign_ins')
      .selectAll()
      .where('id', '=', first.id)
      .executeTakeFirst();
    expect(row).toMatchObject({ status: 'completed', interval_seconds: 10, user_id: userId });
    expect(await db.transaction().execute((tx) => lockUser(tx, userId))).toMatchObject({ username: 'repo' });
  });

  it('a sixth auto-generated token deletes the oldest; desktop-generate shares the cap; manual PATs stay', async () => {
    const { jwt, id } = await account('capper');
    const manual = await t.createPat(jwt, { scopes: ['repo:read'] });
    const secrets: string[] = [];
    for (let i = 0; i < 7; i++) {
      secrets.push(i % 2 === 0 ? await deviceSignIn(jwt) : await desktopSignIn(jwt));
      t.clock.advanceSeconds(1);
    }
    const still = await Promise.all(secrets.map((secret) => works('capper', secret)));
    expect(still).toEqual([false, false, true, true, true, true, true]);
    expect(await works('capper', manual.token)).toBe(true);
    expect(await autoTokensOf(id)).toHaveLength(5);
    expect((await autoTokensOf(id)).map((r) => r.label).sort()).toEqual([
      'Docker Desktop (desktop sign-in)',
      'Docker Desktop (desktop sign-in)',
      'box (device sign-in)',
      'box (device sign-in)',
      'box (device sign-in)',
    ]);
    expect(await reasons(id)).toEqual(['cap', 'cap']);
    const list = await t.inject({ method: 'GET', url: '/v2/access-tokens', jwt });
    expect(list.json()).toMatchObject({ count: 6, active_count: 6 });
    // The removed tokens' sign-ins went with them.
    expect(
      await t.database.db.selectFrom('device_sign_ins').select('id').where('user_id', '=', id).execute(),
    ).toHaveLength(5);
  });

  it('20 concurrent approvals and polls leave exactly 5 auto-generated tokens', async () => {
    const { jwt, id } = await account('racer');
    const manual = await t.createPat(jwt, { scopes: ['repo:admin'] });
    const started = await Promise.all(Array.from({ length: 20 }, () => startDevice()));
    expect(new Set(started.map((s) => s.user_code)).size).toBe(20);
    const approvals = await Promise.all(started.map((s) => approve(jwt, s.user_code)));
    expect(approvals.map((r) => r.statusCode)).toEqual(Array(20).fill(200));
    const polls = await Promise.all(started.map((s) => poll(s.device_code)));
    expect(polls.map((r) => r.statusCode)).toEqual(Array(20).fill(200));
    expect(await autoTokensOf(id)).toHaveLength(5);
    const usable = await Promise.all(polls.map((r) => works('racer', r.json().access_token)));
    expect(usable.filter(Boolean)).toHaveLength(5);
    expect(await works('racer', manual.token)).toBe(true);
    expect(await reasons(id)).toHaveLength(15);
    expect(await auditOf(id, 'account.access_token.auto_create')).toHaveLength(20);
  });

  it('POST /oauth/revoke deletes an auto-generated token and its sign-in; anything else is 200 and kept', async () => {
    const { jwt, id } = await account('revoker');
    const secret = await deviceSignIn(jwt);
    const token = await storedToken(t.database.db, secret);
    expect(await signInOf(token?.id ?? '')).toBeDefined();
    const revoke = (body: unknown) => t.inject({ method: 'POST', url: '/oauth/revoke', body });
    const res = await revoke({ token: secret, token_type_hint: 'access_token' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({});
    expect(await works('revoker', secret)).toBe(false);
    expect(await signInOf(token?.id ?? '')).toBeUndefined();
    expect(await reasons(id)).toEqual(['revoke']);
    for (const other of [secret, generateTokenSecret('thub_', 'pat').reveal(), 'garbage', 'thub_oat_x']) {
      expect((await revoke({ token: other })).statusCode).toBe(200);
    }
    expect(await reasons(id)).toEqual(['revoke']);
  });

  it('deleting an auto-generated token by hand deletes its sign-in', async () => {
    const { jwt } = await account('deleter');
    const secret = await desktopSignIn(jwt);
    const token = await storedToken(t.database.db, secret);
    expect(await signInOf(token?.id ?? '')).toMatchObject({ kind: 'desktop', status: 'completed' });
    const res = await t.inject({ method: 'DELETE', url: `/v2/access-tokens/${token?.id}`, jwt });
    expect(res.statusCode).toBe(204);
    expect(await signInOf(token?.id ?? '')).toBeUndefined();
  });

  it('expired sign-ins: the list sweeps its own, the housekeeping sweep the rest; manual PATs stay', async () => {
    expect(maintenanceTasks).toContain(expiredAutoTokens);
    const sweeper = await account('sweeper');
    const lister = await account('lister');
    const swept = await deviceSignIn(sweeper.jwt);
    const listed = await desktopSignIn(lister.jwt);
    const manual = await t.createPat(sweeper.jwt, { expires_at: '2026-03-20T00:00:00Z' });
    const abandoned = await startDevice();
    t.clock.advanceSeconds(30 * 86_400 + 60);
    expect(await works('sweeper', swept)).toBe(false);

    const list = await t.inject({
      method: 'GET',
      url: '/v2/access-tokens',
      jwt: await t.login('lister', defaultPassword),
    });
    expect(list.json()).toMatchObject({ count: 0, results: [] });
    expect(await storedToken(t.database.db, listed)).toBeUndefined();
    expect(await reasons(lister.id)).toEqual(['expiry']);

    const result = await sweepExpiredAutoTokens(t.app.services);
    expect(result.tokens).toBeGreaterThanOrEqual(1);
    expect(result.requests).toBeGreaterThanOrEqual(1);
    expect(await storedToken(t.database.db, swept)).toBeUndefined();
    expect(await autoTokensOf(sweeper.id)).toHaveLength(0);
    expect(await reasons(sweeper.id)).toEqual(['expiry']);
    expect(await storedToken(t.database.db, manual.token)).toBeDefined();
    expect((await poll(abandoned.device_code)).json().error).toBe('invalid_grant');
    expect(await sweepExpiredAutoTokens(t.app.services)).toEqual({ tokens: 0, requests: 0 });
  });
});
