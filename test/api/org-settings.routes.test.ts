/**
 * Organization settings: Image Access Management (`/v2/orgs/{org}/settings`, Docker's document) and
 * Registry Access Management (`…/settings/registry-access-management`, Docker's Terraform provider).
 * Members and the organization's access tokens read them; owners change them with a password session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Organization } from '../../src/core/organization-rules.ts';
import { createTestApp, type TestApp } from '../support/app-harness.ts';
import { oatSession, setUpOrg } from '../support/org-fixtures.ts';
import { runSharedSecuritySuite } from '../support/security-suite.ts';

let t: TestApp;
let password: string;
let acme: Organization;
const jwts: Record<string, string> = {};

const settingsUrl = '/v2/orgs/acme/settings';
const registryUrl = '/v2/orgs/acme/settings/registry-access-management';
const restricted = { enabled: true, allow_official_images: true, allow_verified_publishers: false };

beforeAll(async () => {
  t = await createTestApp();
  password = await t.signUp('alice');
  await t.signUp('bobby');
  await t.signUp('carol');
  for (const name of ['alice', 'bobby', 'carol']) jwts[name] = await t.login(name, password);
  acme = await setUpOrg(t, 'acme', { members: ['bobby'] });
});
afterAll(async () => t.close());

describe('image access management', () => {
  it('reads as unrestricted until an owner saves it; members and the organization’s tokens read it', async () => {
    const fresh = await t.inject({ method: 'GET', url: settingsUrl, jwt: jwts.bobby });
    expect(fresh.statusCode).toBe(200);
    expect(fresh.json()).toEqual({
      restricted_images: { enabled: false, allow_official_images: true, allow_verified_publishers: true },
    });

    const saved = await t.inject({
      method: 'PUT',
      url: settingsUrl,
      jwt: jwts.alice,
      body: { restricted_images: restricted },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toEqual({ restricted_images: restricted });

    // Docker's clients call it with a trailing slash.
    const robot = await oatSession(t, acme, ['scope-member-read']);
    const read = await t.inject({ method: 'GET', url: `${settingsUrl}/`, jwt: robot });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual({ restricted_images: restricted });

    const audit = await t.database.db
      .selectFrom('audit_events')
      .select(['action', 'actor_name', 'data'])
      .where('account_id', '=', acme.id)
      .where('action', '=', 'org.settings.update')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]?.actor_name).toBe('alice');
    expect(JSON.parse(audit[0]?.data ?? '{}')).toEqual({ setting: 'restricted_images', enabled: true });
  });

  it('is changed only by owners with a password session; outsiders read nothing', async () => {
    const put = (jwt: string | undefined) =>
      t.inject({ method: 'PUT', url: settingsUrl, jwt, body: { restricted_images: restricted } });
    const member = await put(jwts.bobby);
    expect(member.statusCode).toBe(403);
    expect(member.json().message).toMatch(/only owners of acme/);
    const pat = await t.createPat(jwts.alice ?? '', { scopes: ['repo:admin'] });
    expect((await put(await t.login('alice', pat.token))).statusCode).toBe(403);
    const robot = await oatSession(t, acme, ['scope-member-edit', 'scope-group-edit', 'scope-invite-edit']);
    expect((await put(robot)).statusCode).toBe(403);
    expect((await t.inject({ method: 'GET', url: settingsUrl, jwt: jwts.carol })).statusCode).toBe(403);
    expect(
      (await t.inject({ method: 'GET', url: '/v2/orgs/nosuchorg/settings', jwt: jwts.alice })).statusCode,
    ).toBe(404);
  });

  it('refuses a body without every field Docker requires', async () => {
    for (const body of [{}, { restricted_images: { enabled: true } }, { restricted_images: 'yes' }]) {
      const res = await t.inject({ method: 'PUT', url: settingsUrl, jwt: jwts.alice, body });
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().message).toEqual(expect.any(String));
    }
  });
});

describe('registry access management', () => {
  it('keeps what the Terraform provider sends, nil lists included, without touching image access', async () => {
    const fresh = await t.inject({ method: 'GET', url: registryUrl, jwt: jwts.alice });
    expect(fresh.json()).toEqual({
      enabled: false,
      standard_registries: [{ id: 'DockerHub', allowed: true }],
      custom_registries: [],
    });
    const body = {
      enabled: true,
      standard_registries: [{ id: 'DockerHub', allowed: false }],
      custom_registries: [
        { address: ' Registry.Example.com:5000 ', friendly_name: 'ours', allowed: true },
        { address: 'ghcr.io', friendly_name: '', allowed: false },
      ],
    };
    const saved = await t.inject({ method: 'PUT', url: registryUrl, jwt: jwts.alice, body });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toEqual({
      ...body,
      custom_registries: [
        { address: 'registry.example.com:5000', friendly_name: 'ours', allowed: true },
        { address: 'ghcr.io', friendly_name: '', allowed: false },
      ],
    });
    const cleared = await t.inject({
      method: 'PUT',
      url: `${registryUrl}/`,
      jwt: jwts.alice,
      body: { enabled: false, standard_registries: null, custom_registries: null },
    });
    expect(cleared.json()).toEqual({ enabled: false, standard_registries: [], custom_registries: [] });
    const images = await t.inject({ method: 'GET', url: settingsUrl, jwt: jwts.alice });
    expect(images.json().restricted_images.enabled).toBe(true);
  });

  it('refuses unknown registries, duplicates, blank and over-long addresses with a message', async () => {
    const cases: Array<[unknown, string]> = [
      [{ enabled: true, standard_registries: [{ id: 'Quay', allowed: true }] }, 'standard_registries'],
      [
        {
          enabled: true,
          custom_registries: [
            { address: 'a.example', friendly_name: '', allowed: true },
            { address: 'A.example', friendly_name: '', allowed: false },
          ],
        },
        'custom_registries',
      ],
      [
        { enabled: true, custom_registries: [{ address: '  ', friendly_name: '', allowed: true }] },
        'custom_registries',
      ],
      [
        { enabled: true, custom_registries: [{ address: 'a b', friendly_name: '', allowed: true }] },
        'custom_registries',
      ],
    ];
    for (const [body, field] of cases) {
      const res = await t.inject({ method: 'PUT', url: registryUrl, jwt: jwts.alice, body });
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().fields).toHaveProperty(field);
    }
    const long = await t.inject({
      method: 'PUT',
      url: registryUrl,
      jwt: jwts.alice,
      body: {
        enabled: true,
        custom_registries: [{ address: 'a'.repeat(300), friendly_name: '', allowed: true }],
      },
    });
    expect(long.statusCode).toBe(400);
    // Said once, about the address: not also as the list failing to be `null` (the body's other branch).
    expect(long.json().fields).toEqual({
      'custom_registries.0.address': ['custom_registries.0.address must be at most 255 characters'],
    });
    const nul = await t.inject({
      method: 'PUT',
      url: registryUrl,
      jwt: jwts.alice,
      body: { enabled: true, custom_registries: [{ address: 'a\u0000b', friendly_name: '', allowed: true }] },
    });
    expect(nul.statusCode).toBe(400);
  });
});

describe('security suite', () => {
  const fixture = () => ({ t, username: 'alice', password });
  runSharedSecuritySuite(fixture, { method: 'GET', url: settingsUrl, allows: ['password', 'pat', 'oat'] });
  runSharedSecuritySuite(fixture, {
    method: 'PUT',
    url: settingsUrl,
    body: { restricted_images: restricted },
    allows: ['password'],
  });
  runSharedSecuritySuite(fixture, { method: 'GET', url: registryUrl, allows: ['password', 'pat', 'oat'] });
  runSharedSecuritySuite(fixture, {
    method: 'PUT',
    url: registryUrl,
    body: { enabled: false },
    allows: ['password'],
  });
});
