/**
 * Unstorable text (NUL bytes, invalid UTF-8, lone surrogates) is a 400 with a message on both
 * databases, before any route code runs (docs/security.md); and every answer that carries a
 * secret or a session says `Cache-Control: no-store`.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, defaultPassword, type TestApp } from '../support/app-harness.ts';
import { testDialects } from '../support/databases.ts';
import { setOrgTier, setUpOrg } from '../support/org-fixtures.ts';

const basicRaw = (bytes: Buffer) => `Basic ${bytes.toString('base64')}`;

describe.each(testDialects('security: input and caching'))('on %s', (dialect) => {
  let t: TestApp;
  let jwt: string;
  beforeAll(async () => {
    t = await createTestApp({ dialect });
    await t.signUp('alice');
    jwt = await t.login('alice', defaultPassword);
    await t.signUp('bobby');
    await setUpOrg(t, 'acmecorp');
    await setOrgTier(t, 'acmecorp', 'team');
  });
  afterAll(() => t.close());

  /** A 400 that says what is wrong, and no unexpected error in the log. */
  function expectClean400(res: LightMyRequestResponse, words: RegExp) {
    expect(res.statusCode, res.body).toBe(400);
    expect(res.body).toMatch(words);
    expect(t.logLines.some((line) => line.includes('unexpected error'))).toBe(false);
  }

  const nul = /NUL/;
  it('13: NUL in a username, a password, a scope, a namespace, an audit filter and an invite', async () => {
    expectClean400(
      await t.inject({
        method: 'POST',
        url: '/v2/users/login',
        body: { username: 'ali\u0000ce', password: 'x' },
      }),
      nul,
    );
    expectClean400(
      await t.inject({
        method: 'POST',
        url: '/v2/auth/token',
        body: { identifier: 'alice', secret: 'pa\u0000ss' },
      }),
      nul,
    );
    expectClean400(
      await t.inject({
        method: 'GET',
        url: '/token?service=tokenhub-registry&scope=repository:alice/a%00b:pull',
      }),
      nul,
    );
    expectClean400(
      await t.inject({
        method: 'GET',
        url: '/token?service=tokenhub-registry',
        headers: { authorization: basicRaw(Buffer.from('alice:pass\u0000word')) },
      }),
      nul,
    );
    expectClean400(
      await t.inject({
        method: 'POST',
        url: '/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=password&service=tokenhub-registry&username=al%00ice&password=x',
      }),
      nul,
    );
    expectClean400(await t.inject({ method: 'GET', url: '/v2/namespaces/ali%00ce/repositories', jwt }), nul);
    expectClean400(await t.inject({ method: 'GET', url: '/v2/auditlogs/alice?action=a%00b', jwt }), nul);
    expectClean400(
      await t.inject({
        method: 'POST',
        url: '/v2/orgs/acmecorp/invites',
        jwt,
        body: { invitee: 'bob\u0000by' },
      }),
      nul,
    );
    expectClean400(
      await t.inject({
        method: 'POST',
        url: '/v2/users',
        body: { username: 'nul\u0000user', email: 'a@b.c', password: defaultPassword },
      }),
      nul,
    );
  });

  it('13: bytes that are not UTF-8 in a JSON body, a URL, a form and Basic credentials', async () => {
    const invalid = Buffer.concat([
      Buffer.from('{"identifier":"alice","secret":"'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}'),
    ]);
    expectClean400(
      await t.app.inject({
        method: 'POST',
        url: '/v2/auth/token',
        headers: { 'content-type': 'application/json' },
        payload: invalid,
      }),
      /UTF-8/,
    );
    expectClean400(
      await t.inject({ method: 'GET', url: '/v2/namespaces/al%FFice/repositories', jwt }),
      /not a valid url/,
    );
    expectClean400(await t.inject({ method: 'GET', url: '/v2/auditlogs/alice?name=al%FFice', jwt }), /UTF-8/);
    expectClean400(
      await t.inject({
        method: 'POST',
        url: '/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=password&service=tokenhub-registry&username=al%FFice&password=x',
      }),
      /UTF-8/,
    );
    expectClean400(
      await t.inject({
        method: 'GET',
        url: '/token?service=tokenhub-registry',
        headers: {
          authorization: basicRaw(Buffer.concat([Buffer.from('alice:'), Buffer.from([0xc3, 0x28])])),
        },
      }),
      /UTF-8/,
    );
    expectClean400(
      await t.inject({
        method: 'POST',
        url: '/v2/auth/token',
        body: '{"identifier":"alice","secret":"\\ud800"}',
        headers: { 'content-type': 'application/json' },
      }),
      /Unicode/,
    );
  });

  it('15: answers that carry a secret or a session are never stored by a cache', async () => {
    const login = await t.inject({
      method: 'POST',
      url: '/v2/users/login',
      body: { username: 'alice', password: defaultPassword },
    });
    const auth = await t.inject({
      method: 'POST',
      url: '/v2/auth/token',
      body: { identifier: 'alice', secret: defaultPassword },
    });
    const pat = await t.inject({
      method: 'POST',
      url: '/v2/access-tokens',
      jwt,
      body: { token_label: 'cache', scopes: ['repo:read'] },
    });
    const oat = await t.inject({
      method: 'POST',
      url: '/v2/orgs/acmecorp/access-tokens',
      jwt,
      body: {
        label: 'cache',
        resources: [{ type: 'TYPE_REPO', path: 'acmecorp/*', scopes: ['scope-image-pull'] }],
      },
    });
    const setup = await t.inject({ method: 'POST', url: '/v2/users/me/2fa/setup', jwt });
    const registry = await t.inject({ method: 'GET', url: '/token?service=tokenhub-registry' });
    const wrong = await t.inject({
      method: 'POST',
      url: '/v2/auth/token',
      body: { identifier: 'alice', secret: 'wrong one' },
    });
    for (const res of [login, auth, pat, oat, setup, registry, wrong]) {
      expect(res.statusCode).toBeLessThan(500);
      expect(res.headers['cache-control']).toBe('no-store');
    }
    expect([login.statusCode, auth.statusCode, pat.statusCode, oat.statusCode, setup.statusCode]).toEqual([
      200, 200, 201, 201, 200,
    ]);
  });
});
