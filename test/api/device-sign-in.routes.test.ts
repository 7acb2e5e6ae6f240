/**
 * Device sign-in (RFC 8628), revocation (RFC 7009) and desktop-generate, through the API with the
 * manual clock. The cap under concurrency, on both dialects, is in test/storage/auto-token.contract.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTokenSecret } from '../../src/core/token-secret.ts';
import { createTestApp, defaultPassword, type TestApp } from '../support/app-harness.ts';
import { setOrgTier } from '../support/org-fixtures.ts';
import { storedToken } from '../support/rows.ts';
import { runSharedSecuritySuite } from '../support/security-suite.ts';

const grantType = 'urn:ietf:params:oauth:grant-type:device_code';
const formHeaders = { 'content-type': 'application/x-www-form-urlencoded' };
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

let t: TestApp;
let aliceJwt: string;

beforeAll(async () => {
  t = await createTestApp();
  await t.signUp('alice');
  aliceJwt = await t.login('alice', defaultPassword);
});
afterAll(async () => t.close());

async function startDevice(fields: Record<string, string> = {}) {
  const res = await t.inject({
    method: 'POST',
    url: '/oauth/device/code',
    headers: formHeaders,
    body: form({ client_id: 'tokenhub-cli', client_name: 'tokenhub CLI on laptop', ...fields }),
  });
  expect(res.statusCode).toBe(200);
  return res.json<{ device_code: string; user_code: string; interval: number }>();
}

const poll = (deviceCode: string, clientId = 'tokenhub-cli') =>
  t.inject({
    method: 'POST',
    url: '/oauth/token',
    headers: formHeaders,
    body: form({ grant_type: grantType, device_code: deviceCode, client_id: clientId }),
  });

const verify = (userCode: string, action: 'approve' | 'deny', jwt = aliceJwt) =>
  t.inject({ method: 'POST', url: '/v2/device/verify', jwt, body: { user_code: userCode, action } });

const loginStatus = async (username: string, secret: string) =>
  (await t.inject({ method: 'POST', url: '/v2/auth/token', body: { identifier: username, secret } }))
    .statusCode;

async function auditData(jwt: string, account: string, action: string) {
  const res = await t.inject({
    method: 'GET',
    url: `/v2/auditlogs/${account}?action=${action}&page_size=100`,
    jwt,
  });
  expect(res.statusCode).toBe(200);
  return (res.json().logs as Array<{ data: Record<string, unknown>; name: string }>).map((l) => ({
    ...l.data,
    name: l.name,
  }));
}

describe('the device flow', () => {
  it('code → pending → approve → a new auto-generated PAT that works at the Hub and the registry, once', async () => {
    const res = await t.inject({
      method: 'POST',
      url: '/oauth/device/code',
      headers: formHeaders,
      body: form({ client_id: 'tokenhub-cli', client_name: 'tokenhub CLI on laptop' }),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const started = res.json();
    expect(started).toMatchObject({
      expires_in: 600,
      interval: 5,
      verification_uri: 'http://tokenhub.test/device',
    });
    expect(started.device_code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(started.user_code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    expect(started.verification_uri_complete).toBe(
      `http://tokenhub.test/device?user_code=${started.user_code}`,
    );

    const pending = await poll(started.device_code);
    expect(pending.statusCode).toBe(400);
    expect(pending.json()).toEqual({ error: 'authorization_pending', error_description: expect.any(String) });

    const shown = await t.inject({
      method: 'GET',
      url: `/v2/device/verify?user_code=${started.user_code}`,
      jwt: aliceJwt,
    });
    expect(shown.statusCode).toBe(200);
    expect(shown.json()).toMatchObject({
      client_id: 'tokenhub-cli',
      client_name: 'tokenhub CLI on laptop',
      created_at: '2026-03-01T12:00:00.000Z',
      expires_at: '2026-03-01T12:10:00.000Z',
      ip: '127.0.0.1',
      user_agent: 'tokenhub-tests/1.0',
      // What approving gives the device, so the page can say it.
      token: {
        label: 'tokenhub CLI on laptop (device sign-in)',
        scopes: ['repo:admin'],
        expires_in: 30 * 86_400,
      },
    });
    // Typed the lazy way: lower case, no dash.
    const approved = await verify(started.user_code.replace('-', '').toLowerCase(), 'approve');
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'approved', client_id: 'tokenhub-cli' });

    const granted = await poll(started.device_code);
    expect(granted.statusCode).toBe(200);
    const body = granted.json();
    expect(body).toEqual({
      access_token: expect.any(String),
      token_type: 'bearer',
      expires_in: 30 * 86_400,
      username: 'alice',
    });
    expect(parseTokenSecret('thub_', body.access_token)).toBe('pat');

    expect(await loginStatus('alice', body.access_token)).toBe(200);
    const basic = Buffer.from(`alice:${body.access_token}`).toString('base64');
    const registry = await t.inject({
      method: 'GET',
      url: '/token?service=tokenhub-registry&scope=repository:alice/app:pull,push',
      headers: { authorization: `Basic ${basic}` },
    });
    expect(registry.statusCode).toBe(200);

    const again = await poll(started.device_code);
    expect(again.statusCode).toBe(400);
    expect(again.json().error).toBe('invalid_grant');
    expect((await verify(started.user_code, 'approve')).statusCode).toBe(409);

    const token = await storedToken(t.database.db, body.access_token);
    expect(token).toMatchObject({
      generatedBy: 'auto',
      label: 'tokenhub CLI on laptop (device sign-in)',
      clientId: 'tokenhub-cli',
      scopes: ['repo:admin'],
      expiresAt: '2026-03-31T12:00:00.000Z',
    });
    const signInRow = await t.database.db
      .selectFrom('device_sign_ins')
      .selectAll()
      .where('token_id', '=', token?.id ?? '')
      .executeTakeFirstOrThrow();
    expect(signInRow).toMatchObject({ status: 'completed', kind: 'device' });
    expect(JSON.stringify(signInRow)).not.toContain(started.device_code);

    const created = await auditData(aliceJwt, 'alice', 'account.access_token.auto_create');
    expect(created).toContainEqual(
      expect.objectContaining({ uuid: token?.id, via: 'device', sign_in: signInRow.id }),
    );
    expect(await auditData(aliceJwt, 'alice', 'account.device.approve')).toContainEqual(
      expect.objectContaining({
        sign_in: signInRow.id,
        client_id: 'tokenhub-cli',
        name: 'tokenhub CLI on laptop',
      }),
    );
  });

  it('scope=session: the approval page says so, and the token comes with a CLI session that manages tokens', async () => {
    const started = await startDevice({ scope: 'session' });
    const shown = await t.inject({
      method: 'GET',
      url: `/v2/device/verify?user_code=${started.user_code}`,
      jwt: aliceJwt,
    });
    expect(shown.json().session).toEqual({ expires_in: t.config.sessions.cliTtlSeconds });
    expect((await verify(started.user_code, 'approve')).statusCode).toBe(200);
    t.clock.advanceSeconds(started.interval);
    const granted = await poll(started.device_code);
    expect(granted.statusCode).toBe(200);
    const body = granted.json();
    expect(body).toMatchObject({
      scope: 'session',
      refresh_token: expect.stringMatching(/^thub_session_/),
      session_id: expect.any(String),
      session_expires_at: expect.any(String),
    });
    // The refresh token buys a password session: token management works with it, not with the PAT.
    const refreshed = await t.inject({
      method: 'POST',
      url: '/v2/auth/refresh',
      body: { refresh_token: body.refresh_token },
    });
    expect(refreshed.statusCode).toBe(200);
    const created = await t.inject({
      method: 'POST',
      url: '/v2/access-tokens',
      jwt: refreshed.json().access_token,
      body: { token_label: 'from the device session', scopes: ['repo:read'] },
    });
    expect(created.statusCode).toBe(201);
    const sessions = await t.inject({ method: 'GET', url: '/v2/users/me/sessions', jwt: aliceJwt });
    expect(sessions.json().results).toContainEqual(
      expect.objectContaining({ id: body.session_id, kind: 'cli', device: 'tokenhub CLI on laptop' }),
    );
    expect(await auditData(aliceJwt, 'alice', 'account.device.approve')).toContainEqual(
      expect.objectContaining({ cli_session: 'requested' }),
    );

    // Without the scope: no session, and the page says none.
    const plain = await startDevice();
    const plainShown = await t.inject({
      method: 'GET',
      url: `/v2/device/verify?user_code=${plain.user_code}`,
      jwt: aliceJwt,
    });
    expect(plainShown.json().session).toBeNull();
    await verify(plain.user_code, 'approve');
    t.clock.advanceSeconds(plain.interval);
    const plainGrant = (await poll(plain.device_code)).json();
    expect(plainGrant.refresh_token).toBeUndefined();

    // Any other scope is refused in the OAuth shape.
    const odd = await t.inject({
      method: 'POST',
      url: '/oauth/device/code',
      headers: formHeaders,
      body: form({ client_id: 'tokenhub-cli', scope: 'admin' }),
    });
    expect(odd.statusCode).toBe(400);
    expect(odd.json()).toMatchObject({ error: 'invalid_request' });
    expect(odd.json().error_description).toContain('scope "admin"');
  });

  it('accepts JSON bodies, and names the token after client_id when there is no client_name', async () => {
    const res = await t.inject({ method: 'POST', url: '/oauth/device/code', body: { client_id: 'my-ide' } });
    const started = res.json();
    expect((await verify(started.user_code, 'approve')).statusCode).toBe(200);
    const granted = await t.inject({
      method: 'POST',
      url: '/oauth/token',
      body: { grant_type: grantType, device_code: started.device_code, client_id: 'my-ide' },
    });
    expect(granted.statusCode).toBe(200);
    const token = await storedToken(t.database.db, granted.json().access_token);
    expect(token?.label).toBe('my-ide (device sign-in)');
  });

  it('deny: the device hears access_denied; the code cannot be answered twice', async () => {
    const started = await startDevice();
    expect((await verify(started.user_code, 'deny')).json()).toMatchObject({ status: 'denied' });
    const res = await poll(started.device_code);
    expect(res.json().error).toBe('access_denied');
    const twice = await verify(started.user_code, 'approve');
    expect(twice.statusCode).toBe(409);
    expect(twice.json().message).toMatch(/already answered/);
    expect(await auditData(aliceJwt, 'alice', 'account.device.deny')).toHaveLength(1);
  });

  it('expiry: expired_token for the device, 404 for the user', async () => {
    const started = await startDevice();
    t.clock.advanceSeconds(601);
    aliceJwt = await t.login('alice', defaultPassword);
    expect((await poll(started.device_code)).json().error).toBe('expired_token');
    const late = await verify(started.user_code, 'approve');
    expect(late.statusCode).toBe(404);
    expect(late.json().message).toMatch(/unknown or expired user code/);
  });

  it('slow_down when polling within the interval; each one adds 5 seconds', async () => {
    const started = await startDevice();
    expect((await poll(started.device_code)).json().error).toBe('authorization_pending');
    expect((await poll(started.device_code)).json().error).toBe('slow_down');
    t.clock.advanceSeconds(5);
    expect((await poll(started.device_code)).json().error).toBe('slow_down'); // now 15 s
    t.clock.advanceSeconds(15);
    expect((await poll(started.device_code)).json().error).toBe('authorization_pending');
    // Once answered, the device hears it at once.
    await verify(started.user_code, 'deny');
    expect((await poll(started.device_code)).json().error).toBe('access_denied');
  });

  it('another client, an unknown device code or a wrong grant type is refused', async () => {
    const started = await startDevice();
    await verify(started.user_code, 'approve');
    expect((await poll(started.device_code, 'other-client')).json().error).toBe('invalid_grant');
    expect((await poll('x'.repeat(43))).json().error).toBe('invalid_grant');
    // The rightful client still collects its token.
    expect((await poll(started.device_code)).statusCode).toBe(200);
  });

  it.each([
    [
      '/oauth/token',
      form({ grant_type: 'password', username: 'alice', password: 'x' }),
      'unsupported_grant_type',
    ],
    ['/oauth/token', form({ device_code: 'abc', client_id: 'c' }), 'invalid_request'],
    ['/oauth/token', form({ grant_type: grantType, client_id: 'c' }), 'invalid_request'],
    ['/oauth/token', form({ grant_type: grantType, device_code: 'abc' }), 'invalid_request'],
    [
      '/oauth/token',
      form({ grant_type: grantType, device_code: 'd'.repeat(201), client_id: 'c' }),
      'invalid_request',
    ],
    ['/oauth/device/code', form({ client_name: 'no id' }), 'invalid_request'],
    ['/oauth/device/code', form({ client_id: '   ' }), 'invalid_request'],
    ['/oauth/device/code', form({ client_id: 'c'.repeat(101) }), 'invalid_request'],
    ['/oauth/device/code', form({ client_id: 'cli', client_name: 'bad\u0007name' }), 'invalid_request'],
    ['/oauth/revoke', form({ token_type_hint: 'access_token' }), 'invalid_request'],
  ])('%s with %s → 400 %s', async (url, body, error) => {
    const res = await t.inject({ method: 'POST', url, headers: formHeaders, body });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error, error_description: expect.any(String) });
  });

  it('malformed bodies are 4xx in the OAuth shape, never 500', async () => {
    const json = { 'content-type': 'application/json' };
    for (const [headers, body] of [
      [json, '{"client_id":'],
      [json, '{"client_id": 5}'],
      [{ 'content-type': 'text/plain' }, 'client_id=x'],
      [json, undefined],
    ] as const) {
      const res = await t.inject({ method: 'POST', url: '/oauth/device/code', headers, body });
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect(res.json().error).toBe('invalid_request');
    }
  });
});

describe('/v2/device/verify', () => {
  it.each([
    [{ user_code: 'ABC', action: 'approve' }, 400],
    [{ user_code: 'AEIO-UAEI', action: 'approve' }, 400],
    [{ user_code: 'BCDF-GHJK', action: 'maybe' }, 400],
    [{ user_code: 'BCDF-GHJK' }, 400],
    [{ user_code: 'BCDF-GHJK', action: 'approve' }, 404],
  ])('%j → %i', async (body, status) => {
    const res = await t.inject({ method: 'POST', url: '/v2/device/verify', jwt: aliceJwt, body });
    expect(res.statusCode).toBe(status);
  });

  it('needs a password session: PAT and OAT sessions get 403, no session 401', async () => {
    const started = await startDevice();
    const pat = await t.createPat(aliceJwt, { scopes: ['repo:admin'] });
    const patJwt = await t.login('alice', pat.token);
    expect(
      (await t.inject({ method: 'POST', url: '/v2/orgs', jwt: aliceJwt, body: { name: 'acme' } })).statusCode,
    ).toBe(201);
    await setOrgTier(t, 'acme', 'team');
    const oat = await t.inject({
      method: 'POST',
      url: '/v2/orgs/acme/access-tokens',
      jwt: aliceJwt,
      body: { label: 'ci', resources: [{ type: 'TYPE_REPO', path: 'acme/*', scopes: ['scope-image-pull'] }] },
    });
    const oatJwt = await t.login('acme', oat.json().token);
    const calls = [
      {
        method: 'POST' as const,
        url: '/v2/device/verify',
        body: { user_code: started.user_code, action: 'approve' },
      },
      { method: 'GET' as const, url: `/v2/device/verify?user_code=${started.user_code}` },
      { method: 'POST' as const, url: '/v2/access-tokens/desktop-generate' },
    ];
    for (const call of calls) {
      const asPat = await t.inject({ ...call, jwt: patJwt });
      expect(asPat.statusCode).toBe(403);
      expect(asPat.json().detail).toBe('token issued from personal access token is not allowed');
      const asOat = await t.inject({ ...call, jwt: oatJwt });
      expect(asOat.statusCode).toBe(403);
      expect(asOat.json().detail).toBe('token issued from organization access token is not allowed');
      expect((await t.inject(call)).statusCode).toBe(401);
    }
    // Nothing was approved on the way.
    expect((await poll(started.device_code)).json().error).toBe('authorization_pending');

    // /oauth/revoke leaves manual PATs and OATs alone.
    for (const token of [pat.token, oat.json().token]) {
      const res = await t.inject({
        method: 'POST',
        url: '/oauth/revoke',
        headers: formHeaders,
        body: form({ token }),
      });
      expect(res.statusCode).toBe(200);
    }
    expect(await loginStatus('alice', pat.token)).toBe(200);
    expect(await loginStatus('acme', oat.json().token)).toBe(200);
  });

  const fixture = () => ({ t, username: 'alice', password: defaultPassword });
  for (const route of [
    { method: 'GET' as const, url: '/v2/device/verify?user_code=BCDF-GHJK' },
    { method: 'POST' as const, url: '/v2/device/verify', body: { user_code: 'BCDF-GHJK', action: 'deny' } },
    { method: 'POST' as const, url: '/v2/access-tokens/desktop-generate' },
  ]) {
    runSharedSecuritySuite(fixture, { ...route, allows: ['password'] });
  }
});
