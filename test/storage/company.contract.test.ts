/**
 * The company storage contract (companies, owners, organizations, the company-wide reads) and the
 * races of companies (the last owner; one company per organization; deleting while an
 * organization joins), on SQLite and on PostgreSQL (when TOKENHUB_TEST_PG_URL is set).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../src/core/account-rules.ts';
import type { Company } from '../../src/core/company-rules.ts';
import { AppError } from '../../src/core/errors.ts';
import type { Organization } from '../../src/core/organization-rules.ts';
import { createCompany, deleteEmptyCompany } from '../../src/services/companies/company.service.ts';
import {
  addCompanyOrganization,
  removeCompanyOwner,
} from '../../src/services/companies/company-membership.service.ts';
import {
  countCompanyOrganizations,
  countCompanyOwners,
  deleteCompanyOrganization,
  findCompanyByName,
  findCompanyOfOrganization,
  findOrgStanding,
  insertCompany,
  insertCompanyOrganization,
  insertCompanyOwner,
  listCompanyMemberships,
  listCompanyOrganizations,
  listCompanyOwners,
  listUserCompanies,
} from '../../src/storage/company.repository.ts';
import { findNamespace } from '../../src/storage/namespace.repository.ts';
import { insertOrgMember } from '../../src/storage/org-member.repository.ts';
import { insertOrganization } from '../../src/storage/organization.repository.ts';
import { dumpTables, restoreTables } from '../../src/storage/table-dump.repository.ts';
import { insertUser } from '../../src/storage/user.repository.ts';
import { createTestApp, type TestApp } from '../support/app-harness.ts';
import { openTestDatabase, type TestDatabase, testDialects } from '../support/databases.ts';
import { setOrgTier, setUpOrg, userRow } from '../support/org-fixtures.ts';

const at = '2026-01-01T00:00:00.000Z';

function user(username: string): User {
  return {
    id: crypto.randomUUID(),
    username,
    email: `${username}@example.com`,
    passwordHash: '$argon2id$...',
    isAdmin: false,
    createdAt: at,
    updatedAt: at,
    sessionsValidAfter: null,
  };
}

function org(name: string, tier: Organization['tier'] = 'business'): Organization {
  return { id: crypto.randomUUID(), name, tier, createdAt: at, updatedAt: at, createdBy: null };
}

function company(name: string): Company {
  return { id: crypto.randomUUID(), name, createdAt: at, updatedAt: at, createdBy: null };
}

describe.each(testDialects('company contract'))('company storage on %s', (dialect) => {
  let database: TestDatabase;
  const users = { ann: user('annie'), ben: user('benny'), cat: user('catty') };
  const acme = org('acme');
  const beta = org('beta', 'team');
  const lone = org('lone');
  const mega = company('mega');

  beforeAll(async () => {
    database = await openTestDatabase(dialect);
    const { db } = database;
    for (const row of Object.values(users)) await insertUser(db, row);
    for (const row of [acme, beta, lone]) await insertOrganization(db, row);
    await insertOrgMember(db, { orgId: acme.id, userId: users.ann.id, role: 'owner', createdAt: at });
    await insertOrgMember(db, { orgId: acme.id, userId: users.ben.id, role: 'editor', createdAt: at });
    await insertOrgMember(db, { orgId: beta.id, userId: users.ben.id, role: 'member', createdAt: at });
    await insertOrgMember(db, { orgId: lone.id, userId: users.cat.id, role: 'owner', createdAt: at });
    await insertCompany(db, mega);
    await insertCompanyOwner(db, { companyId: mega.id, userId: users.cat.id, createdAt: at });
  });
  afterAll(async () => database.close());

  it('finds companies by name and by owner; counts and lists owners', async () => {
    const { db } = database;
    expect(await findCompanyByName(db, 'mega')).toEqual(mega);
    expect(await findCompanyByName(db, 'nope')).toBeUndefined();
    expect((await listUserCompanies(db, users.cat.id)).map((c) => c.name)).toEqual(['mega']);
    expect(await listUserCompanies(db, users.ann.id)).toEqual([]);
    await insertCompanyOwner(db, { companyId: mega.id, userId: users.ann.id, createdAt: at });
    expect(await countCompanyOwners(db, mega.id)).toBe(2);
    expect((await listCompanyOwners(db, mega.id)).map((o) => o.username)).toEqual(['annie', 'catty']);
  });

  it('puts an organization in one company at most, and reads who owns it through which company', async () => {
    const { db } = database;
    expect(await insertCompanyOrganization(db, { companyId: mega.id, orgId: acme.id, addedAt: at })).toBe(
      true,
    );
    expect(await insertCompanyOrganization(db, { companyId: mega.id, orgId: beta.id, addedAt: at })).toBe(
      true,
    );
    const other = company('other');
    await insertCompany(db, other);
    expect(await insertCompanyOrganization(db, { companyId: other.id, orgId: acme.id, addedAt: at })).toBe(
      false,
    );
    expect((await findCompanyOfOrganization(db, acme.id))?.name).toBe('mega');
    expect(await findCompanyOfOrganization(db, lone.id)).toBeUndefined();
    expect(await findOrgStanding(db, acme.id, users.cat.id)).toEqual({ role: undefined, company: 'mega' });
    expect(await findOrgStanding(db, acme.id, users.ben.id)).toEqual({ role: 'editor', company: undefined });
    expect(await findOrgStanding(db, acme.id, users.ann.id)).toEqual({ role: 'owner', company: 'mega' });
    expect(await findOrgStanding(db, lone.id, users.cat.id)).toEqual({ role: 'owner', company: undefined });
    expect(await countCompanyOrganizations(db, mega.id)).toBe(2);
  });

  it('lists organizations with tiers and member counts, and memberships across them', async () => {
    const { db } = database;
    const organizations = await listCompanyOrganizations(db, mega.id);
    expect(organizations.map((o) => [o.name, o.tier, o.memberCount])).toEqual([
      ['acme', 'business', 2],
      ['beta', 'team', 1],
    ]);
    const memberships = await listCompanyMemberships(db, mega.id);
    expect(memberships.map((m) => [m.username, m.orgName, m.role])).toEqual([
      ['annie', 'acme', 'owner'],
      ['benny', 'acme', 'editor'],
      ['benny', 'beta', 'member'],
    ]);
  });

  it('survives a backup and a restore into an empty database', async () => {
    const { tables } = await dumpTables(database.db);
    // Restored into SQLite (dumps are portable): a second PostgreSQL test schema opened while the
    // first is open does not migrate (Kysely's migration-table check looks across schemas).
    const restored = await openTestDatabase('sqlite');
    try {
      const counts = await restoreTables(restored.db, tables);
      expect(counts).toMatchObject({ companies: 2, company_owners: 2, company_organizations: 2 });
      expect((await findOrgStanding(restored.db, acme.id, users.cat.id)).company).toBe('mega');
    } finally {
      await restored.close();
    }
  });

  it('takes an organization out at once', async () => {
    const { db } = database;
    expect(await deleteCompanyOrganization(db, mega.id, beta.id)).toBe(true);
    expect(await deleteCompanyOrganization(db, mega.id, beta.id)).toBe(false);
    expect(await findCompanyOfOrganization(db, beta.id)).toBeUndefined();
    expect((await listCompanyOrganizations(db, mega.id)).map((o) => o.name)).toEqual(['acme']);
  });
});

describe.each(testDialects('company races'))('company rules under concurrency on %s', (dialect) => {
  let t: TestApp;
  const meta = { ip: '127.0.0.1', userAgent: 'race' };
  const outcome = (result: PromiseSettledResult<unknown>) =>
    result.status === 'fulfilled'
      ? 'ok'
      : result.reason instanceof AppError
        ? result.reason.code
        : String(result.reason);

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    await t.signUp('owner1');
    await t.signUp('owner2');
  });
  afterAll(async () => t.close());

  async function twoOwnerCompany(name: string) {
    const ctx = t.app.services;
    const [a, b] = [await userRow(t, 'owner1'), await userRow(t, 'owner2')];
    const made = await createCompany(
      ctx,
      { name, owner: a, requireBusinessOwner: false },
      { id: a.id, name: a.username },
      meta,
    );
    await insertCompanyOwner(ctx.db, { companyId: made.id, userId: b.id, createdAt: at });
    return { company: made, a: { id: a.id, name: a.username }, b: { id: b.id, name: b.username } };
  }

  it('two owners removing each other (or leaving) at once never leave zero owners', async () => {
    const ctx = t.app.services;
    for (let round = 0; round < 12; round++) {
      const { company: c, a, b } = await twoOwnerCompany(`corp${round}`);
      const results = await Promise.allSettled([
        removeCompanyOwner(ctx, c, 'owner2', a, meta),
        removeCompanyOwner(ctx, c, 'owner2', b, meta, { leaving: true }),
        removeCompanyOwner(ctx, c, 'owner1', b, meta),
      ]);
      for (const result of results.map(outcome))
        expect(['ok', 'LAST_COMPANY_OWNER', 'COMPANY_OWNER_NOT_FOUND']).toContain(result);
      expect(await countCompanyOwners(ctx.db, c.id)).toBe(1);
    }
  });

  it('an organization joining two companies at once lands in one; a company deleted while one joins is never left holding it', async () => {
    const ctx = t.app.services;
    const owner = await userRow(t, 'owner1');
    const principal = { kind: 'password' as const, user: owner };
    const actor = { id: owner.id, name: owner.username };
    for (let round = 0; round < 8; round++) {
      const o = await setUpOrg(t, `joiner${round}`, { owner: 'owner1', members: [] });
      await setOrgTier(t, o.name, 'business');
      const joined = { ...o, tier: 'business' as const };
      const first = await createCompany(
        ctx,
        { name: `first${round}`, owner, requireBusinessOwner: false },
        actor,
        meta,
      );
      const second = await createCompany(
        ctx,
        { name: `second${round}`, owner, requireBusinessOwner: false },
        actor,
        meta,
      );
      const joins = await Promise.allSettled([
        addCompanyOrganization(ctx, principal, first, joined, actor, meta),
        addCompanyOrganization(ctx, principal, second, joined, actor, meta),
        deleteEmptyCompany(ctx, second, actor, meta),
      ]);
      const [toFirst, toSecond, deletion] = joins.map(outcome);
      expect([toFirst, toSecond].filter((result) => result === 'ok')).toHaveLength(1);
      const holder = (await findCompanyOfOrganization(ctx.db, o.id))?.name;
      expect(holder).toBe(toFirst === 'ok' ? first.name : second.name);
      if (deletion === 'ok') {
        expect(holder).toBe(first.name);
        expect(await findCompanyByName(ctx.db, second.name)).toBeUndefined();
        expect(await findNamespace(ctx.db, second.name)).toBeUndefined();
      } else {
        expect(deletion).toBe('COMPANY_NOT_EMPTY');
        expect(holder).toBe(second.name);
      }
    }
  });
});
