/**
 * Namespace squatting (docs/security.md): reserved names (a documented, configurable list) cannot be
 * registered as users or organizations, and a push grant never creates a repository in a namespace
 * that no user or organization owns, for administrators neither. Both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../../src/services/accounts/account.service.ts';
import { createTestApp, defaultPassword, type TestApp } from '../support/app-harness.ts';
import { testDialects } from '../support/databases.ts';

const basic = (user: string, secret: string) =>
  `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
const grantOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()).access;

describe.each(testDialects('security: reserved names'))('on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ dialect });
    await t.signUp('alice');
    await createAccount(
      t.app.services,
      { username: 'operator1', email: 'op@example.com', password: defaultPassword, isAdmin: true },
      { ip: '127.0.0.1', userAgent: 'test' },
    );
  });
  afterAll(() => t.close());

  it('16: reserved names cannot be signed up or taken by an organization', async () => {
    for (const username of ['library', 'admin', 'root', 'tokenhub', 'docker', 'registry', 'localhost']) {
      const res = await t.inject({
        method: 'POST',
        url: '/v2/users',
        body: { username, email: `${username}@example.com`, password: defaultPassword },
      });
      expect(res.statusCode, username).toBe(400);
      expect(res.body).toContain('reserved');
    }
    const jwt = await t.login('alice', defaultPassword);
    const org = await t.inject({ method: 'POST', url: '/v2/orgs', jwt, body: { name: 'Library' } });
    expect(org.statusCode).toBe(400);
    expect(org.body).toContain('reserved');
  });

  it('16: a push grant never creates a repository in a namespace nobody owns, for an administrator neither', async () => {
    const res = await t.inject({
      method: 'GET',
      url: '/token?service=tokenhub-registry&scope=repository:library/nginx:pull,push',
      headers: { authorization: basic('operator1', defaultPassword) },
    });
    expect(res.statusCode).toBe(200);
    expect(grantOf(res.json().token)).toEqual([
      { type: 'repository', name: 'library/nginx', actions: ['pull'] },
    ]);
    const rows = await t.database.db
      .selectFrom('repositories')
      .selectAll()
      .where('namespace', '=', 'library')
      .execute();
    expect(rows).toEqual([]);
    // In a namespace someone owns, the administrator's push still creates it.
    const owned = await t.inject({
      method: 'GET',
      url: '/token?service=tokenhub-registry&scope=repository:alice/app:pull,push',
      headers: { authorization: basic('operator1', defaultPassword) },
    });
    expect(grantOf(owned.json().token)[0].actions).toEqual(['pull', 'push']);
  });
});

describe('the reserved list is a setting', () => {
  it('16: TOKENHUB_RESERVED_NAMES replaces the list', async () => {
    const t = await createTestApp({ env: { TOKENHUB_RESERVED_NAMES: 'acmecorp, Payroll' } });
    try {
      const signUp = (username: string) =>
        t.inject({
          method: 'POST',
          url: '/v2/users',
          body: { username, email: 'x@example.com', password: defaultPassword },
        });
      expect((await signUp('payroll')).statusCode).toBe(400);
      expect((await signUp('library')).statusCode).toBe(201);
    } finally {
      await t.close();
    }
  });
});
