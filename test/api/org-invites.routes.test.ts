import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Organization } from '../../src/core/organization-rules.ts';
import { addMember } from '../../src/services/orgs/org-member.service.ts';
import { insertOrgInvite } from '../../src/storage/org-invite.repository.ts';
import { findOrganizationByName } from '../../src/storage/organization.repository.ts';
import { findUserByUsername } from '../../src/storage/user.repository.ts';
import { setVerifiedEmail } from '../../src/storage/user-email.repository.ts';
import { createTestApp, type InjectOptions, type TestApp } from '../support/app-harness.ts';
import { fixtureMeta as meta, oatSession, setUpOrg } from '../support/org-fixtures.ts';
import { runSharedSecuritySuite } from '../support/security-suite.ts';

const operator = { id: null, name: 'operator' };

let t: TestApp;
let password: string;
const jwts: Record<string, string> = {};

const call = (method: InjectOptions['method'], url: string, jwt?: string, body?: unknown) =>
  t.inject({ method, url, jwt, body });
const invite = (org: string, body: unknown, jwt = jwts.alice) =>
  call('POST', `/v2/orgs/${org}/invites`, jwt, body);

async function inviteAudit(org: Organization) {
  return t.database.db
    .selectFrom('audit_events')
    .select(['action', 'name', 'actor_id', 'actor_name'])
    .where('account_id', '=', org.id)
    .where('action', 'like', 'org.member.invite.%')
    .execute();
}

beforeAll(async () => {
  t = await createTestApp();
  password = await t.signUp('alice');
  for (const name of ['bobby', 'carol', 'daisy', 'ethan']) await t.signUp(name);
  for (const name of ['alice', 'bobby', 'carol', 'daisy', 'ethan']) {
    jwts[name] = await t.login(name, password);
    await verify(name);
  }
});

/** Marks the account's address verified, as following its mailed link does (test/mail/). */
async function verify(username: string) {
  const user = await findUserByUsername(t.database.db, username);
  if (!user) throw new Error(`no user ${username}`);
  await setVerifiedEmail(t.database.db, user.id, user.email, '2026-03-01T12:00:00.000Z');
}
afterAll(async () => t.close());

describe('owners send, list and cancel invites', () => {
  let acme: Organization;
  beforeAll(async () => {
    acme = await setUpOrg(t, 'acme');
  });

  it('invites a user by name and a person by email; duplicates and members answer 409', async () => {
    const byName = await invite('acme', { invitee: 'Carol' });
    expect(byName.statusCode).toBe(201);
    expect(byName.json()).toEqual({
      id: expect.any(String),
      inviter_username: 'alice',
      org: 'acme',
      team: '',
      invitee: 'carol',
      role: 'member',
      invited_by: 'alice',
      created_at: '2026-03-01T12:00:00.000Z',
    });
    const byEmail = await invite('acme', { invitee: 'New.Person@Example.com', role: 'owner' });
    expect(byEmail.json()).toMatchObject({ invitee: 'new.person@example.com', role: 'owner' });
    const again = await invite('acme', { invitee: 'carol' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toEqual({
      errinfo: { code: 'INVITE_EXISTS' },
      detail: 'carol already has a pending invite to acme',
      message: 'carol already has a pending invite to acme',
    });
    // The same person by address: their pending invite by name already counts.
    expect((await invite('acme', { invitee: 'carol@example.com' })).statusCode).toBe(409);
    const member = await invite('acme', { invitee: 'bobby@example.com' });
    expect(member.statusCode).toBe(409);
    expect(member.json().errinfo).toEqual({ code: 'ALREADY_MEMBER' });
    // Both were sent at the same instant of the test clock, so their order is the ids' (random).
    const list = await call('GET', '/v2/orgs/acme/invites', jwts.alice);
    expect(
      list
        .json()
        .data.map((i: { invitee: string }) => i.invitee)
        .sort(),
    ).toEqual(['carol', 'new.person@example.com']);
  });

  it('refuses malformed and unknown invitees clearly', async () => {
    for (const invitee of ['a b', 'x!', 'no@', '@no']) {
      const res = await invite('acme', { invitee });
      expect(res.statusCode).toBe(400);
      expect(res.json().fields).toHaveProperty('invitee');
    }
    const unknown = await invite('acme', { invitee: 'nobody99' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({
      errinfo: { code: 'USER_NOT_FOUND' },
      message: 'no user named nobody99; invite an email address instead',
    });
    expect((await invite('acme', { invitee: 'daisy', role: 'admin' })).statusCode).toBe(400);
    expect((await invite('acme', {})).statusCode).toBe(400);
  });

  it('cancels an invite; the invitee then cannot accept it', async () => {
    const { id } = (await invite('acme', { invitee: 'daisy' })).json();
    expect((await call('DELETE', `/v2/orgs/acme/invites/${id}`, jwts.alice)).statusCode).toBe(204);
    const again = await call('DELETE', `/v2/orgs/acme/invites/${id}`, jwts.alice);
    expect(again.statusCode).toBe(404);
    expect(again.json().errinfo).toEqual({ code: 'INVITE_NOT_FOUND' });
    expect((await call('POST', `/v2/invites/${id}/accept`, jwts.daisy)).statusCode).toBe(404);
    expect((await call('DELETE', '/v2/orgs/acme/invites/not-a-uuid', jwts.alice)).statusCode).toBe(400);
    expect((await inviteAudit(acme)).map((e) => [e.action, e.name])).toContainEqual([
      'org.member.invite.cancel',
      'daisy',
    ]);
  });

  it('is for owners; members, PAT sessions and outsiders are refused; OATs need the invite scopes', async () => {
    const memberRead = await call('GET', '/v2/orgs/acme/invites', jwts.bobby);
    expect(memberRead.statusCode).toBe(403);
    expect(memberRead.json().errinfo).toEqual({ code: 'ORG_FORBIDDEN' });
    expect((await invite('acme', { invitee: 'ethan' }, jwts.bobby)).statusCode).toBe(403);
    const alicePat = await t.login(
      'alice',
      (await t.createPat(jwts.alice ?? '', { scopes: ['repo:admin'] })).token,
    );
    const pat = await invite('acme', { invitee: 'ethan' }, alicePat);
    expect(pat.statusCode).toBe(403);
    expect(pat.json().detail).toBe('token issued from personal access token is not allowed');
    expect((await call('GET', '/v2/orgs/acme/invites', jwts.carol)).statusCode).toBe(403);

    const reader = await oatSession(t, acme, ['scope-invite-read']);
    expect((await call('GET', '/v2/orgs/acme/invites', reader)).statusCode).toBe(200);
    expect((await invite('acme', { invitee: 'ethan' }, reader)).statusCode).toBe(403);
    const editor = await oatSession(t, acme, ['scope-invite-edit'], 'hr-bot');
    const sent = await invite('acme', { invitee: 'ethan' }, editor);
    expect(sent.statusCode).toBe(201);
    expect(sent.json().invited_by).toBeNull();
    expect((await inviteAudit(acme)).at(-1)).toMatchObject({ actor_id: null, actor_name: 'hr-bot' });
    const rival = await setUpOrg(t, 'rival', { owner: 'carol', members: [] });
    expect(
      (await call('GET', '/v2/orgs/acme/invites', await oatSession(t, rival, ['scope-invite-edit'])))
        .statusCode,
    ).toBe(403);
  });
});

describe('invitees accept or decline', () => {
  let org: Organization;
  beforeAll(async () => {
    org = await setUpOrg(t, 'joinorg', { owner: 'alice', members: [] });
  });

  it('accept: only the invitee, with a password session; they join with the invite role', async () => {
    const { id } = (await invite('joinorg', { invitee: 'bobby', role: 'owner' })).json();
    const mine = await call('GET', '/v2/users/me/invites', jwts.bobby);
    expect(mine.json().results).toEqual([expect.objectContaining({ id, org: 'joinorg', role: 'owner' })]);
    expect((await call('GET', '/v2/users/me/invites', jwts.daisy)).json().results).toEqual([]);

    const stranger = await call('POST', `/v2/invites/${id}/accept`, jwts.carol);
    expect(stranger.statusCode).toBe(404);
    expect(stranger.json()).toMatchObject({
      errinfo: { code: 'INVITE_NOT_FOUND' },
      message: 'invite not found',
    });
    expect((await call('POST', `/v2/invites/${id}/decline`, jwts.alice)).statusCode).toBe(404);
    const bobbyPat = await t.login(
      'bobby',
      (await t.createPat(jwts.bobby ?? '', { scopes: ['repo:admin'] })).token,
    );
    const viaPat = await call('POST', `/v2/invites/${id}/accept`, bobbyPat);
    expect(viaPat.statusCode).toBe(403);
    expect(viaPat.json().detail).toBe('token issued from personal access token is not allowed');

    const accepted = await call('POST', `/v2/invites/${id}/accept`, jwts.bobby);
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toMatchObject({
      username: 'bobby',
      email: 'bobby@example.com',
      role: 'Owner',
      joined_at: '2026-03-01T12:00:00.000Z',
      groups: [],
    });
    expect((await call('POST', `/v2/invites/${id}/accept`, jwts.bobby)).statusCode).toBe(404);
    expect((await call('GET', '/v2/orgs/joinorg/invites', jwts.bobby)).json()).toEqual({ data: [] });
    expect((await inviteAudit(org)).at(-1)).toMatchObject({
      action: 'org.member.invite.accept',
      actor_name: 'bobby',
    });
  });

  it('an email invite is for whoever verified that address, including someone who signs up later', async () => {
    const { id } = (await invite('joinorg', { invitee: 'Frank@Example.com', role: 'owner' })).json();
    expect((await call('POST', `/v2/invites/${id}/accept`, jwts.carol)).statusCode).toBe(404);
    await t.signUp('frank');
    const frank = await t.login('frank', password);
    // Typing the address at sign-up is not enough: an unverified address sees and takes nothing.
    expect((await call('GET', '/v2/users/me/invites', frank)).json().results).toHaveLength(0);
    const unverified = await call('POST', `/v2/invites/${id}/accept`, frank);
    expect(unverified.statusCode).toBe(404);
    expect(unverified.json().errinfo).toEqual({ code: 'INVITE_NOT_FOUND' });
    expect((await call('POST', `/v2/invites/${id}/decline`, frank)).statusCode).toBe(404);
    await verify('frank');
    expect((await call('GET', '/v2/users/me/invites', frank)).json().results).toHaveLength(1);
    expect((await call('POST', `/v2/invites/${id}/accept`, frank)).json()).toMatchObject({ role: 'Owner' });
  });

  it('an invite to a username is for that account only, whatever its address', async () => {
    const { id } = (await invite('joinorg', { invitee: 'daisy' })).json();
    await t.signUp('daisytwin');
    const twin = await t.login('daisytwin', password);
    expect((await call('POST', `/v2/invites/${id}/accept`, twin)).statusCode).toBe(404);
    expect((await call('POST', `/v2/invites/${id}/decline`, jwts.daisy)).statusCode).toBe(204);
  });

  it('decline removes the invite and records it; a member cannot accept a stale invite', async () => {
    const { id } = (await invite('joinorg', { invitee: 'daisy@example.com' })).json();
    expect((await call('POST', `/v2/invites/${id}/decline`, jwts.daisy)).statusCode).toBe(204);
    expect((await call('POST', `/v2/invites/${id}/accept`, jwts.daisy)).statusCode).toBe(404);
    expect((await inviteAudit(org)).at(-1)).toMatchObject({
      action: 'org.member.invite.decline',
      name: 'daisy',
    });

    const stale = (await invite('joinorg', { invitee: 'ethan' })).json();
    await addMember(t.app.services, org, 'ethan', 'member', operator, meta);
    const res = await call('POST', `/v2/invites/${stale.id}/accept`, jwts.ethan);
    expect(res.statusCode).toBe(409);
    expect(res.json().errinfo).toEqual({ code: 'ALREADY_MEMBER' });
    expect((await call('POST', `/v2/invites/${stale.id}/decline`, jwts.ethan)).statusCode).toBe(204);
    expect((await call('POST', '/v2/invites/not-a-uuid/accept', jwts.ethan)).statusCode).toBe(400);
  });
});

describe("Docker Hub's invite routes", () => {
  let org: Organization;
  beforeAll(async () => {
    org = await setUpOrg(t, 'bulkorg', { members: ['bobby'] });
    await call('POST', '/v2/orgs/bulkorg/groups', jwts.alice, { name: 'devs' });
  });

  it('invites several at once, each with a status; a dry run sends nothing', async () => {
    const body = {
      org: 'bulkorg',
      team: '',
      role: 'member',
      invitees: ['carol', 'bobby', 'not a name', 'someone@corp.test', 'nobody99'],
    };
    const dry = await call('POST', '/v2/invites/bulk', jwts.alice, { ...body, dry_run: true });
    expect(dry.statusCode).toBe(202);
    expect(dry.json().invitees).toEqual([
      { invitee: 'carol', status: 'invited' },
      { invitee: 'bobby', status: 'existing_org_member' },
      { invitee: 'not a name', status: 'invalid_email_or_docker_id' },
      { invitee: 'someone@corp.test', status: 'invited' },
      { invitee: 'nobody99', status: 'invalid_email_or_docker_id' },
    ]);
    expect((await call('GET', '/v2/orgs/bulkorg/invites', jwts.alice)).json()).toEqual({ data: [] });

    const sent = await call('POST', '/v2/invites/bulk/', jwts.alice, {
      ...body,
      invitees: ['carol', 'carol'],
    });
    expect(sent.statusCode).toBe(202);
    const [first, second] = sent.json().invitees;
    expect(first).toMatchObject({
      invitee: 'carol',
      status: 'invited',
      invite: { invitee: 'carol', org: 'bulkorg' },
    });
    expect(second).toEqual({ invitee: 'carol', status: 'already_invited' });
    expect((await call('POST', '/v2/invites/bulk', jwts.bobby, body)).statusCode).toBe(403);
    const noTeam = await call('POST', '/v2/invites/bulk', jwts.alice, { ...body, team: 'nope' });
    expect(noTeam.statusCode).toBe(400);
    expect(noTeam.json().fields).toHaveProperty('team');
  });

  it('an invite into a team: the invitee joins the group on accepting', async () => {
    const sent = await call('POST', '/v2/invites/bulk', jwts.alice, {
      org: 'bulkorg',
      team: 'Devs',
      invitees: ['daisy'],
    });
    const invite = sent.json().invitees[0].invite;
    expect(invite).toMatchObject({ team: 'devs', inviter_username: 'alice', role: 'member' });
    const listed = (await call('GET', '/v2/orgs/bulkorg/invites', jwts.alice)).json().data;
    expect(listed.find((i: { id: string }) => i.id === invite.id)).toMatchObject({ team: 'devs' });
    expect((await call('POST', `/v2/invites/${invite.id}/accept`, jwts.daisy)).json().groups).toEqual([
      'devs',
    ]);
  });

  it("resends and cancels by id, for owners of the invite's organization", async () => {
    const { id } = (await invite('bulkorg', { invitee: 'ethan' })).json();
    expect((await call('PATCH', `/v2/invites/${id}/resend`, jwts.bobby)).statusCode).toBe(403);
    expect((await call('PATCH', `/v2/invites/${id}/resend`, jwts.alice)).statusCode).toBe(204);
    expect((await call('DELETE', `/v2/invites/${id}`, jwts.carol)).statusCode).toBe(403);
    const oat = await oatSession(t, org, ['scope-invite-edit']);
    expect((await call('DELETE', `/v2/invites/${id}/`, oat)).statusCode).toBe(204);
    expect((await call('DELETE', `/v2/invites/${id}`, jwts.alice)).statusCode).toBe(404);
    expect((await call('PATCH', `/v2/invites/${id}/resend`, jwts.alice)).statusCode).toBe(404);
    expect((await inviteAudit(org)).map((e) => e.action)).toEqual(
      expect.arrayContaining(['org.member.invite.resend', 'org.member.invite.cancel']),
    );
  });
});

describe('security suite', () => {
  const fixture = () => ({ t, username: 'alice', password });
  // Invites with known ids, so the by-id routes find their organization.
  const resendId = '11111111-1111-4111-8111-111111111111';
  const cancelId = '22222222-2222-4222-8222-222222222222';
  beforeAll(async () => {
    await setUpOrg(t, 'suiteorg');
    const org = await findOrganizationByName(t.database.db, 'suiteorg');
    if (!org) throw new Error('no suiteorg');
    for (const [id, invitee] of [
      [resendId, 'resend@corp.test'],
      [cancelId, 'cancel@corp.test'],
    ] as const) {
      const at = '2026-03-01T12:00:00.000Z';
      await insertOrgInvite(t.database.db, {
        id,
        orgId: org.id,
        invitee,
        inviteeUserId: null,
        role: 'member',
        invitedBy: null,
        createdAt: at,
      });
    }
  });
  runSharedSecuritySuite(fixture, {
    method: 'POST',
    url: '/v2/orgs/suiteorg/invites',
    body: { invitee: 'carol' },
    allows: ['password', 'oat'],
  });
  runSharedSecuritySuite(fixture, {
    method: 'POST',
    url: '/v2/invites/00000000-0000-4000-8000-000000000000/accept',
    allows: ['password'],
  });
  runSharedSecuritySuite(fixture, {
    method: 'GET',
    url: '/v2/users/me/invites',
    allows: ['password', 'pat'],
  });
  runSharedSecuritySuite(fixture, {
    method: 'GET',
    url: '/v2/orgs/suiteorg/invites',
    allows: ['password', 'oat'],
  });
  runSharedSecuritySuite(fixture, {
    method: 'DELETE',
    url: '/v2/orgs/suiteorg/invites/00000000-0000-4000-8000-000000000000',
    allows: ['password', 'oat'],
  });
  runSharedSecuritySuite(fixture, {
    method: 'POST',
    url: '/v2/invites/00000000-0000-4000-8000-000000000000/decline',
    allows: ['password'],
  });
  runSharedSecuritySuite(fixture, {
    method: 'POST',
    url: '/v2/invites/bulk',
    body: { org: 'suiteorg', invitees: ['carol'], dry_run: true },
    allows: ['password', 'oat'],
    org: 'suiteorg',
  });
  runSharedSecuritySuite(fixture, {
    method: 'PATCH',
    url: `/v2/invites/${resendId}/resend`,
    allows: ['password', 'oat'],
    org: 'suiteorg',
  });
  runSharedSecuritySuite(fixture, {
    method: 'DELETE',
    url: `/v2/invites/${cancelId}`,
    allows: ['password', 'oat'],
    org: 'suiteorg',
  });
});
