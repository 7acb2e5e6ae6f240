/**
 * The shared security suite (STYLE.md habit 11): every guarded Hub route runs it. It checks that
 * no credentials (unless the route also serves anonymous callers), a malformed header, a forged or
 * expired session, a raw token used as a bearer, and a session of an expired, deactivated or
 * deleted PAT are refused with 401; that a session from a PAT or an OAT gets 403 with Docker Hub's
 * message where the route does not accept that kind; and, on an organization's routes, that a
 * revoked OAT's session gets 401 while a non-member's session and another organization's OAT get
 * 403; and that a session from an OIDC connection's token gets 403 everywhere. Tokens are minted
 * straight into the store (the API's own drafting), so the suite never meets the PAT creation
 * limit; a manual clock moves time instead of sleeping.
 */
import { expect, it } from 'vitest';
import { type Organization, orgScopes } from '../../src/core/organization-rules.ts';
import { createOrganization } from '../../src/services/orgs/organization.service.ts';
import type { PrincipalKind } from '../../src/services/sign-in/who-asks.ts';
import { findOrganizationByName } from '../../src/storage/organization.repository.ts';
import { defaultPassword, type InjectOptions, type TestApp } from './app-harness.ts';
import { mintOidcToken } from './oidc-fixtures.ts';
import { fixtureMeta, userRow } from './org-fixtures.ts';
import { type MintedToken, mintOat, mintPat } from './token-fixtures.ts';

export interface SecurityFixture {
  t: TestApp;
  /** Username of an account with a password session and a PAT. */
  username: string;
  password: string;
}

export interface GuardedRoute {
  method: InjectOptions['method'];
  url: string;
  body?: unknown;
  /** Principal kinds the route lets act: its guard, then (on organization routes) the owner's rights. */
  allows: readonly PrincipalKind[];
  /**
   * The organization the route acts in, owned by the fixture's account; read from a `/v2/orgs/{org}`
   * URL when not given. OAT sessions are then this organization's (with every organization scope),
   * and the suite adds a non-member's session and another organization's OAT, both 403.
   */
  org?: string;
  /**
   * The URL names the fixture's own account or something in its namespace: another account's valid
   * session is refused with this status (404 where the route hides what the caller may not see).
   */
  foreignAccount?: 403 | 404;
  /** The route also serves anonymous callers (`guard(…, { optional: true })`). */
  anonymous?: boolean;
}

/** An account that belongs to no organization of the fixtures, and its own organization. */
const stranger = { username: 'suitestranger', org: 'suiteforeign' };
const strangers = new WeakMap<TestApp, Promise<Organization>>();

/** The stranger's organization, made once per test app (signing the stranger up first). */
function foreignOrg(t: TestApp): Promise<Organization> {
  let made = strangers.get(t);
  if (!made) {
    made = (async () => {
      await t.signUp(stranger.username, defaultPassword);
      const owner = await userRow(t, stranger.username);
      return createOrganization(t.app.services, owner, stranger.org, fixtureMeta);
    })();
    strangers.set(t, made);
  }
  return made;
}

/** An OAT holding every organization scope of `org`. */
function fullOat(t: TestApp, org: Organization): Promise<MintedToken> {
  return mintOat(t, org, [{ type: 'TYPE_ORG', path: org.name, scopes: [...orgScopes] }], 'suite robot');
}

async function routeOrg(t: TestApp, name: string): Promise<Organization> {
  const org = await findOrganizationByName(t.database.db, name);
  if (!org) throw new Error(`the security suite needs organization ${name}: set it up in a beforeAll`);
  return org;
}

export function runSharedSecuritySuite(fixture: () => SecurityFixture, guarded: GuardedRoute): void {
  const route = { ...guarded, org: guarded.org ?? /^\/v2\/orgs\/([^/?]+)/.exec(guarded.url)?.[1] };
  const { org } = route;
  const patAllowed = route.allows.includes('pat');
  const oatAllowed = route.allows.includes('oat');
  if (oatAllowed && org === undefined) {
    throw new Error(`${route.method} ${route.url} accepts OATs: name the organization it acts in (org)`);
  }
  /** The organization whose OATs the suite uses: the route's, or the stranger's on other routes. */
  const oatOrg = (t: TestApp) => (org === undefined ? foreignOrg(t) : routeOrg(t, org));
  const name = `${route.method} ${route.url}`;
  const call = (extra: Partial<InjectOptions>) =>
    fixture().t.inject({ method: route.method, url: route.url, body: route.body, ...extra });
  const passwordSession = () => fixture().t.login(fixture().username, fixture().password);
  const expectLetThrough = (res: { statusCode: number; body: string }) => {
    expect(res.statusCode, res.body).not.toBe(401);
    expect(res.statusCode, res.body).not.toBe(403);
  };

  it(`${name}: no credentials → ${route.anonymous ? 'served' : '401'}`, async () => {
    const res = await call({});
    if (route.anonymous) {
      expectLetThrough(res);
    } else {
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ detail: expect.any(String), message: expect.any(String) });
    }
  });

  it(`${name}: malformed Authorization header → 401`, async () => {
    expect((await call({ headers: { authorization: 'Basic abc' } })).statusCode).toBe(401);
    expect((await call({ headers: { authorization: 'Bearer' } })).statusCode).toBe(401);
  });

  it(`${name}: forged session → 401`, async () => {
    const jwt = await passwordSession();
    const [header, payload] = jwt.split('.');
    const forged = `${header}.${payload}.${'A'.repeat(43)}`;
    expect((await call({ jwt: forged })).statusCode).toBe(401);
    expect((await call({ jwt: 'not-a-jwt' })).statusCode).toBe(401);
  });

  it(`${name}: expired session → 401`, async () => {
    const { t } = fixture();
    const jwt = await passwordSession();
    const before = t.clock.now();
    t.clock.advanceSeconds(t.config.hubJwtTtlSeconds + 1);
    try {
      expect((await call({ jwt })).statusCode).toBe(401);
    } finally {
      t.clock.set(before);
    }
  });

  it(`${name}: a raw access token as the bearer → 401`, async () => {
    const { t, username } = fixture();
    const pat = await mintPat(t, username);
    expect((await call({ jwt: pat.secret })).statusCode).toBe(401);
    expect((await call({ jwt: (await fullOat(t, await oatOrg(t))).secret })).statusCode).toBe(401);
  });

  it(`${name}: session of an expired PAT → 401`, async () => {
    const { t, username } = fixture();
    const lifetimeSeconds = 60;
    expect(t.config.hubJwtTtlSeconds).toBeGreaterThan(lifetimeSeconds + 1);
    const expiresAt = new Date(t.clock.now().getTime() + lifetimeSeconds * 1000).toISOString();
    const pat = await mintPat(t, username, { expiresAt });
    const patJwt = await t.login(username, pat.secret);
    const before = t.clock.now();
    t.clock.advanceSeconds(lifetimeSeconds + 1);
    try {
      expect((await call({ jwt: patJwt })).statusCode).toBe(401);
    } finally {
      t.clock.set(before);
    }
  });

  it(`${name}: session of a deactivated PAT → 401`, async () => {
    const { t, username } = fixture();
    const pat = await mintPat(t, username);
    const patJwt = await t.login(username, pat.secret);
    const off = await t.inject({
      method: 'PATCH',
      url: `/v2/access-tokens/${pat.id}`,
      jwt: await passwordSession(),
      body: { is_active: false },
    });
    expect(off.statusCode).toBe(200);
    expect((await call({ jwt: patJwt })).statusCode).toBe(401);
  });

  it(`${name}: session of a deleted PAT → 401`, async () => {
    const { t, username } = fixture();
    const pat = await mintPat(t, username);
    const patJwt = await t.login(username, pat.secret);
    const gone = await t.inject({
      method: 'DELETE',
      url: `/v2/access-tokens/${pat.id}`,
      jwt: await passwordSession(),
    });
    expect(gone.statusCode).toBe(204);
    expect((await call({ jwt: patJwt })).statusCode).toBe(401);
  });

  if (org !== undefined && oatAllowed) {
    it(`${name}: session of a deactivated or deleted OAT → 401`, async () => {
      const { t } = fixture();
      const owner = await passwordSession();
      for (const revoke of [
        (id: string) => ({
          method: 'PATCH' as const,
          url: `/v2/orgs/${org}/access-tokens/${id}`,
          body: { is_active: false },
        }),
        (id: string) => ({ method: 'DELETE' as const, url: `/v2/orgs/${org}/access-tokens/${id}` }),
      ]) {
        const oat = await fullOat(t, await routeOrg(t, org));
        const oatJwt = await t.login(org, oat.secret);
        const revoked = await t.inject({ ...revoke(oat.id), jwt: owner });
        expect(revoked.statusCode, revoked.body).toBeLessThan(300);
        expect((await call({ jwt: oatJwt })).statusCode).toBe(401);
      }
    });
  }

  const foreignStatus = org === undefined ? route.foreignAccount : 403;
  if (foreignStatus !== undefined) {
    it(`${name}: session of another account${org ? ` (not a member of ${org})` : ''} → ${foreignStatus}`, async () => {
      const { t } = fixture();
      await foreignOrg(t);
      const res = await call({ jwt: await t.login(stranger.username, defaultPassword) });
      expect(res.statusCode, res.body).toBe(foreignStatus);
    });
  }

  if (org !== undefined) {
    it(`${name}: session from an OAT of another organization → 403`, async () => {
      const { t } = fixture();
      const other = await foreignOrg(t);
      const res = await call({ jwt: await t.login(other.name, (await fullOat(t, other)).secret) });
      expect(res.statusCode, res.body).toBe(403);
    });
  }

  it(`${name}: session from an OIDC connection's token → 403`, async () => {
    const { t, username } = fixture();
    const user = await userRow(t, username);
    const minted = await mintOidcToken(t, { kind: 'user', id: user.id, name: user.username });
    const res = await call({ jwt: await t.login(username, minted.secret) });
    expect(res.statusCode, res.body).toBe(403);
    expect(res.json().detail).toBe('token issued from an OIDC connection is not allowed');
  });

  // Last, as they may change what the route acts on: the kinds of session the route lets act.
  it(`${name}: session from a PAT → ${patAllowed ? 'allowed' : '403'}`, async () => {
    const { t, username } = fixture();
    const pat = await mintPat(t, username);
    const res = await call({ jwt: await t.login(username, pat.secret) });
    if (patAllowed) {
      expectLetThrough(res);
    } else {
      expect(res.statusCode).toBe(403);
      expect(res.json().detail).toBe('token issued from personal access token is not allowed');
    }
  });

  it(`${name}: session from an OAT${org ? ` of ${org}` : ''} → ${oatAllowed ? 'allowed' : '403'}`, async () => {
    const { t } = fixture();
    const owner = await oatOrg(t);
    const res = await call({ jwt: await t.login(owner.name, (await fullOat(t, owner)).secret) });
    if (oatAllowed) {
      expectLetThrough(res);
    } else {
      expect(res.statusCode).toBe(403);
      expect(res.json().detail).toBe('token issued from organization access token is not allowed');
    }
  });
}
