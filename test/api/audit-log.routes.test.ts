import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashTokenSecret } from '../../src/core/token-secret.ts';
import { changeOrganizationTier, createOrganization } from '../../src/services/orgs/organization.service.ts';
import { insertOrgMember } from '../../src/storage/org-member.repository.ts';
import { setUserAdmin } from '../../src/storage/user.repository.ts';
import { createTestApp, type TestApp } from '../support/app-harness.ts';
import { oatSession, setUpOrg, userRow } from '../support/org-fixtures.ts';
import { runSharedSecuritySuite } from '../support/security-suite.ts';

interface LogEntry {
  account: string;
  action: string;
  name: string;
  actor: string;
  data: Record<string, unknown>;
  timestamp: string;
  action_description: string;
  ip?: string;
  user_agent?: string;
}

interface LogPage {
  logs: LogEntry[];
  count: number;
  next: string | null;
  previous: string | null;
}

let t: TestApp;
let password: string;

beforeAll(async () => {
  t = await createTestApp();
  password = await t.signUp('alice');
  await t.signUp('bobby');
});
afterAll(async () => t.close());

async function readLog(jwt: string, path: string) {
  return t.inject({ method: 'GET', url: path, jwt });
}

/** Moves the manual clock so each event has its own timestamp (the log is ordered by time). */
function tick(): void {
  t.clock.advanceSeconds(1);
}

describe('GET /v2/auditlogs/{account}', () => {
  it("shows the user's sign-ins and token changes newest first, with actor, address and client", async () => {
    await t.signUp('carol');
    tick();
    const failed = await t.app.inject({
      method: 'POST',
      url: '/v2/auth/token',
      payload: { identifier: 'carol', secret: 'wrong password!' },
      headers: { 'user-agent': 'curl/8.5' },
      remoteAddress: '203.0.113.7',
    });
    expect(failed.statusCode).toBe(401);
    tick();
    const jwt = await t.login('carol', password);
    tick();
    const pat = await t.createPat(jwt, { token_label: 'ci' });
    tick();
    const patch = { method: 'PATCH', url: `/v2/access-tokens/${pat.uuid}`, jwt } as const;
    expect((await t.inject({ ...patch, body: { token_label: 'ci-2' } })).statusCode).toBe(200);
    tick();
    expect((await t.inject({ method: 'DELETE', url: `/v2/access-tokens/${pat.uuid}`, jwt })).statusCode).toBe(
      204,
    );

    const res = await readLog(jwt, '/v2/auditlogs/carol');
    expect(res.statusCode).toBe(200);
    const body = res.json<LogPage>();
    expect(body.logs.map((e) => e.action)).toEqual([
      'account.access_token.delete',
      'account.access_token.update',
      'account.access_token.create',
      'account.login.success',
      'account.login.failure',
      'account.create',
    ]);
    expect(body).toMatchObject({ count: 6, next: null, previous: null });
    const [deleted, updated, created, success, failure] = body.logs;
    expect(deleted).toEqual({
      account: 'carol',
      action: 'account.access_token.delete',
      name: 'ci-2',
      actor: 'carol',
      data: { uuid: pat.uuid },
      timestamp: expect.any(String),
      action_description: 'Personal access token deleted',
      ip: '127.0.0.1',
      user_agent: 'tokenhub-tests/1.0',
    });
    // Docker Hub's data values are text: lists are their JSON.
    expect(updated).toMatchObject({ name: 'ci-2', data: { uuid: pat.uuid, changed: '["label"]' } });
    expect(created).toMatchObject({ name: 'ci', data: { uuid: pat.uuid, scopes: '["repo:read"]' } });
    expect(success).toMatchObject({ actor: 'carol', data: { method: 'password' } });
    expect(failure).toMatchObject({
      actor: 'carol',
      action_description: 'Failed sign-in',
      ip: '203.0.113.7',
      user_agent: 'curl/8.5',
      data: { reason: 'INVALID_CREDENTIALS' },
    });
    const times = body.logs.map((e) => e.timestamp);
    expect(times).toEqual([...times].sort().reverse());
  });

  it('never returns a secret, not even the hash of one', async () => {
    const jwt = await t.login('alice', password);
    const pat = await t.createPat(jwt, { token_label: 'secret check', scopes: ['repo:admin'] });
    const patJwt = await t.login('alice', pat.token);
    const res = await readLog(jwt, '/v2/auditlogs/alice?page_size=100');
    expect(res.statusCode).toBe(200);
    expect(res.json<LogPage>().logs.some((e) => e.name === 'secret check')).toBe(true);
    expect(res.body).not.toContain(pat.token);
    expect(res.body).not.toContain(hashTokenSecret(pat.token));
    expect(res.body).not.toContain(patJwt);
    expect(res.body).not.toContain(password);
  });

  it('reads with a PAT session too (reading is not administration)', async () => {
    const jwt = await t.login('alice', password);
    const pat = await t.createPat(jwt, { scopes: ['repo:public_read'] });
    tick();
    const res = await readLog(
      await t.login('alice', pat.token),
      '/v2/auditlogs/alice?action=account.login.success',
    );
    expect(res.statusCode).toBe(200);
    expect(res.json<LogPage>().logs[0]).toMatchObject({
      action: 'account.login.success',
      data: { method: 'pat', uuid: pat.uuid },
      ip: '127.0.0.1',
    });
  });

  describe('filters and pages', () => {
    let jwt: string;
    let start: string;
    let middle: string;

    beforeAll(async () => {
      await t.signUp('dave');
      jwt = await t.login('dave', password);
      tick();
      start = t.clock.now().toISOString();
      for (const label of ['one', 'two', 'three', 'four', 'five']) {
        tick();
        if (label === 'three') middle = t.clock.now().toISOString();
        await t.createPat(jwt, { token_label: label });
      }
    });

    const get = (query: string) => readLog(jwt, `/v2/auditlogs/dave?${query}`);
    const names = async (query: string) => {
      const res = await get(query);
      expect(res.statusCode).toBe(200);
      return res.json<LogPage>().logs.map((e) => e.name);
    };

    it('filters by action, name and actor', async () => {
      expect(await names('action=account.access_token.create')).toEqual([
        'five',
        'four',
        'three',
        'two',
        'one',
      ]);
      expect(await names('name=three')).toEqual(['three']);
      expect(await names('action=account.login.success&name=dave')).toEqual(['dave']);
      expect(await names('actor=dave&action=account.create')).toEqual(['dave']);
      expect(await names('actor=somebody')).toEqual([]);
      expect(await names('action=&name=&actor=')).toHaveLength(7);
    });

    it('filters by time, both bounds inclusive, in any zone', async () => {
      expect(await names(`from=${start}&action=account.access_token.create`)).toHaveLength(5);
      expect(await names(`from=${middle}`)).toEqual(['five', 'four', 'three']);
      expect(await names(`to=${middle}&action=account.access_token.create`)).toEqual(['three', 'two', 'one']);
      expect(await names(`from=${middle}&to=${middle}`)).toEqual(['three']);
      // The same instant written in another zone.
      const inParis = new Date(Date.parse(middle) + 3_600_000).toISOString().replace('Z', '%2B01:00');
      expect(await names(`from=${inParis}&to=${inParis}`)).toEqual(['three']);
    });

    it('pages with count, next and previous, keeping the filters in the links', async () => {
      const first = await get('action=account.access_token.create&page_size=2');
      expect(first.json<LogPage>()).toMatchObject({
        count: 5,
        previous: null,
        next: 'http://tokenhub.test/v2/auditlogs/dave?page=2&page_size=2&action=account.access_token.create',
      });
      expect(first.json<LogPage>().logs.map((e) => e.name)).toEqual(['five', 'four']);
      const next = first.json<LogPage>().next ?? '';
      const second = await readLog(jwt, next.replace('http://tokenhub.test', ''));
      expect(second.json<LogPage>().logs.map((e) => e.name)).toEqual(['three', 'two']);
      const last = await get('action=account.access_token.create&page_size=2&page=3');
      expect(last.json<LogPage>()).toMatchObject({
        next: null,
        previous:
          'http://tokenhub.test/v2/auditlogs/dave?page=2&page_size=2&action=account.access_token.create',
      });
      expect(last.json<LogPage>().logs.map((e) => e.name)).toEqual(['one']);
    });

    it('defaults to 25 a page and caps page_size at 100', async () => {
      expect((await get('')).json<LogPage>().count).toBe(7);
      const capped = await get('page=2&page_size=1000');
      expect(capped.statusCode).toBe(200);
      expect(capped.json<LogPage>().previous).toBe(
        'http://tokenhub.test/v2/auditlogs/dave?page=1&page_size=100',
      );
    });

    it.each([
      ['from=yesterday', 'from'],
      ['from=2026-03-01', 'from'],
      ['to=2026-13-01T00:00:00Z', 'to'],
      ['from=2026-03-01T23:59:60Z', 'from'],
      ['from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z', 'from'],
      ['page=0', 'page'],
      ['page=abc', 'page'],
      ['page_size=0', 'page_size'],
      ['action=account.nope', 'action'],
    ])('answers %s with a 400 naming %s', async (query, field) => {
      const res = await get(query);
      expect(res.statusCode).toBe(400);
      expect(Object.keys(res.json().fields)).toContain(field);
      expect(res.json().text).toEqual(expect.any(String));
    });
  });

  it("refuses another user's log with 403 and an unknown account with 404", async () => {
    const bobJwt = await t.login('bobby', password);
    const other = await readLog(bobJwt, '/v2/auditlogs/alice');
    expect(other.statusCode).toBe(403);
    expect(other.json()).toMatchObject({ errinfo: { code: 'FORBIDDEN' }, message: expect.any(String) });
    expect(other.body).not.toContain('account.login');
    const unknown = await readLog(bobJwt, '/v2/auditlogs/nobody123');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ errinfo: { code: 'NAMESPACE_NOT_FOUND' } });
  });

  it('finds the account whatever the case of its name', async () => {
    const res = await readLog(await t.login('alice', password), '/v2/auditlogs/ALICE?action=account.create');
    expect(res.statusCode).toBe(200);
    expect(res.json<LogPage>().logs).toHaveLength(1);
  });
});

describe("an organization's log", () => {
  const meta = { ip: '198.51.100.4', userAgent: 'tokenhub-admin' };

  beforeAll(async () => {
    const alice = await userRow(t, 'alice');
    const org = await createOrganization(t.app.services, alice, 'acmeco', meta);
    tick();
    await changeOrganizationTier(t.app.services, 'acmeco', 'team', { id: null, name: 'operator' }, meta);
    const bobby = await userRow(t, 'bobby');
    await insertOrgMember(t.database.db, {
      orgId: org.id,
      userId: bobby.id,
      role: 'member',
      createdAt: t.clock.now().toISOString(),
    });
  });

  it('is readable by its owner, with addresses, and filterable by actor', async () => {
    const jwt = await t.login('alice', password);
    const res = await readLog(jwt, '/v2/auditlogs/acmeco');
    expect(res.statusCode).toBe(200);
    const body = res.json<LogPage>();
    expect(body.logs).toEqual([
      expect.objectContaining({
        account: 'acmeco',
        action: 'org.tier.change',
        actor: 'operator',
        data: { from: 'free', to: 'team' },
        action_description: 'Organization tier changed',
        ip: '198.51.100.4',
        user_agent: 'tokenhub-admin',
      }),
      expect.objectContaining({ action: 'org.create', name: 'acmeco', actor: 'alice' }),
    ]);
    const byAlice = await readLog(jwt, '/v2/auditlogs/acmeco?actor=alice');
    expect(byAlice.json<LogPage>().logs.map((e) => e.action)).toEqual(['org.create']);
  });

  it("is readable with an owner's PAT session", async () => {
    const pat = await t.createPat(await t.login('alice', password));
    const res = await readLog(await t.login('alice', pat.token), '/v2/auditlogs/acmeco');
    expect(res.statusCode).toBe(200);
    expect(res.json<LogPage>().count).toBe(2);
  });

  it('is refused to a plain member (403) and to a non-member', async () => {
    const bobJwt = await t.login('bobby', password);
    const member = await readLog(bobJwt, '/v2/auditlogs/acmeco');
    expect(member.statusCode).toBe(403);
    expect(member.json()).toMatchObject({ errinfo: { code: 'ORG_FORBIDDEN' } });
    expect((await readLog(bobJwt, '/v2/auditlogs/acmeco/actions')).statusCode).toBe(403);
    await t.signUp('erin');
    const outsider = await readLog(await t.login('erin', password), '/v2/auditlogs/acmeco');
    expect(outsider.statusCode).toBe(403);
    expect(outsider.json()).toMatchObject({ errinfo: { code: 'ORG_FORBIDDEN' } });
  });

  it('is readable by an instance administrator who is not an owner, without addresses', async () => {
    await t.signUp('frank');
    const frank = await userRow(t, 'frank');
    await setUserAdmin(t.database.db, frank.id, true, t.clock.now().toISOString());
    const res = await readLog(await t.login('frank', password), '/v2/auditlogs/acmeco');
    expect(res.statusCode).toBe(200);
    const [event] = res.json<LogPage>().logs;
    expect(event).toMatchObject({ action: 'org.tier.change' });
    expect(event).not.toHaveProperty('ip');
    expect(event).not.toHaveProperty('user_agent');
    // An administrator still reads no other user's log.
    expect((await readLog(await t.login('frank', password), '/v2/auditlogs/alice')).statusCode).toBe(403);
  });
});

describe('GET /v2/auditlogs/{account}/actions', () => {
  it('lists the catalogue grouped by the first segment of the action names', async () => {
    const res = await readLog(await t.login('alice', password), '/v2/auditlogs/alice/actions');
    expect(res.statusCode).toBe(200);
    const { actions } = res.json();
    expect(Object.keys(actions)).toEqual(['account', 'repo', 'org', 'company']);
    expect(actions.account.label).toBe('Account');
    expect(actions.org.label).toBe('Organization');
    expect(actions.repo.label).toBe('Repository');
    // Docker Hub's shape: the name within the group; the filter takes `<group>.<name>`.
    expect(actions.account.actions).toContainEqual({
      name: 'access_token.create',
      description: 'Personal access token created',
      label: 'Personal Access Token Created',
    });
    const names = (group: string) =>
      actions[group].actions.map((a: { name: string }) => `${group}.${a.name}`);
    expect(names('org')).toEqual(
      expect.arrayContaining(['org.access_token.delete', 'org.team.create', 'org.member.invite.send']),
    );
    expect(names('repo')).toEqual(
      expect.arrayContaining(['repo.create', 'repo.tag.push', 'repo.change_privacy']),
    );
    for (const name of [...names('org'), ...names('repo'), ...names('account')]) {
      const filtered = await readLog(await t.login('alice', password), `/v2/auditlogs/alice?action=${name}`);
      expect(filtered.statusCode, name).toBe(200);
    }
  });

  it('answers 404 for an unknown account and 403 for another user', async () => {
    const jwt = await t.login('bobby', password);
    expect((await readLog(jwt, '/v2/auditlogs/nobody123/actions')).statusCode).toBe(404);
    expect((await readLog(jwt, '/v2/auditlogs/alice/actions')).statusCode).toBe(403);
  });

  it('is readable by an organization owner', async () => {
    const res = await readLog(await t.login('alice', password), '/v2/auditlogs/acmeco/actions');
    expect(res.statusCode).toBe(200);
  });
});

describe("an organization's access tokens", () => {
  it('read its log with scope-activity-read (without addresses), never without it or elsewhere', async () => {
    const org = await setUpOrg(t, 'oatlogs', { members: [] });
    const reader = await oatSession(t, org, ['scope-activity-read'], 'auditor');
    const res = await readLog(reader, '/v2/auditlogs/oatlogs');
    expect(res.statusCode).toBe(200);
    const created = res.json().logs.find((e: { action: string }) => e.action === 'org.create');
    expect(created).toMatchObject({ account: 'oatlogs', name: 'oatlogs' });
    expect(created.ip).toBeUndefined();
    expect((await readLog(reader, '/v2/auditlogs/oatlogs/actions')).statusCode).toBe(200);
    const other = await oatSession(t, org, ['scope-member-read'], 'members');
    const refused = await readLog(other, '/v2/auditlogs/oatlogs');
    expect(refused.statusCode).toBe(403);
    expect(refused.json().message).toContain('scope-activity-read');
    expect((await readLog(reader, '/v2/auditlogs/alice')).statusCode).toBe(403);
  });
});

describe('security', () => {
  const fixture = () => ({ t, username: 'alice', password });
  beforeAll(async () => {
    await setUpOrg(t, 'suiteaudit', { members: ['bobby'] });
  });
  runSharedSecuritySuite(fixture, {
    method: 'GET',
    url: '/v2/auditlogs/alice',
    allows: ['password', 'pat'],
    foreignAccount: 403,
  });
  runSharedSecuritySuite(fixture, {
    method: 'GET',
    url: '/v2/auditlogs/alice/actions',
    allows: ['password', 'pat'],
    foreignAccount: 403,
  });
  runSharedSecuritySuite(fixture, {
    method: 'GET',
    url: '/v2/auditlogs/suiteaudit',
    allows: ['password', 'pat', 'oat'],
    org: 'suiteaudit',
  });
});
