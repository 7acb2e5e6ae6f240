/**
 * The organization pages in headless Chromium: the tier says what it allows and how it is raised;
 * members (roles, remove), invites (send, cancel) and groups (create, members, rename, repository
 * permissions: an owner's and an editor's changes, a member's read-only view) from the console, each
 * change confirmed on the page and true on the server.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app-harness.ts';
import { setOrgTier } from '../support/org-fixtures.ts';
import {
  type Browser,
  ensureConsoleBuilt,
  launchBrowser,
  requireChromium,
  screenshot,
  screenshotIfFailed,
} from './browser-support.ts';

const owner = { username: 'alice', password: 'a long enough password' };
const stepTimeout = 90_000;

let t: TestApp;
let base: string;
let browser: Browser;
let page: Page;
let bobbyJwt = '';
let bobbyPassword = '';

const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 20_000, interval: 100 });
const status = () => page.getByRole('status').filter({ hasText: /\S/ }).first().textContent();

async function confirmDialog(title: string, button: string) {
  await page.getByRole('dialog', { name: title }).getByRole('button', { name: button, exact: true }).click();
}

describe.skipIf(!requireChromium())('organization pages in Chromium', () => {
  beforeAll(async () => {
    await ensureConsoleBuilt();
    t = await createTestApp({ start: new Date().toISOString() });
    await t.signUp(owner.username, owner.password);
    bobbyPassword = await t.signUp('bobby');
    bobbyJwt = await t.login('bobby', bobbyPassword);
    const created = await t.inject({
      method: 'POST',
      url: '/v2/orgs',
      jwt: await t.login(owner.username, owner.password),
      body: { name: 'acme' },
    });
    expect(created.statusCode).toBe(201);
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchBrowser();
    page = browser.page;
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${base}/orgs/acme`);
    await page.getByLabel('Username').fill(owner.username);
    await page.getByLabel('Password').fill(owner.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'acme' }).waitFor();
  }, 120_000);

  afterEach(async ({ task }) => screenshotIfFailed(page, task));

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('the free tier says what it allows and how an administrator raises it', {
    timeout: stepTimeout,
  }, async () => {
    expect(await page.getByTestId('tier-raise').textContent()).toContain('tokenhub admin set-tier acme team');
    await page.getByRole('link', { name: 'Members, groups and invites' }).click();
    await page.getByRole('heading', { name: 'Members, groups and invites' }).waitFor();
    await poll(() => page.getByTestId('member-row').count()).toBe(1);
  });

  it('invites by username, cancels, invites again; the accepted member gets a role', {
    timeout: stepTimeout,
  }, async () => {
    await page.getByLabel('Invite by username or email').fill('bobby');
    await page.getByRole('button', { name: 'Send invite' }).click();
    await poll(status).toBe('bobby was invited as a member.');
    await poll(() => page.getByTestId('invite-row').count()).toBe(1);
    await page.getByTestId('invite-row').getByRole('button', { name: 'Cancel' }).click();
    await confirmDialog('Cancel the invite to bobby?', 'Cancel invite');
    await poll(status).toBe('The invite to bobby was cancelled.');
    await poll(() => page.getByTestId('invite-row').count()).toBe(0);

    await page.getByLabel('Invite by username or email').fill('bobby');
    await page.getByRole('button', { name: 'Send invite' }).click();
    await poll(() => page.getByTestId('invite-row').count()).toBe(1);
    const invites = (await t.inject({ method: 'GET', url: '/v2/users/me/invites', jwt: bobbyJwt })).json();
    const id = (invites.results ?? invites.data)[0].id as string;
    expect(
      (await t.inject({ method: 'POST', url: `/v2/invites/${id}/accept`, jwt: bobbyJwt })).statusCode,
    ).toBe(200);
    await page.reload();
    await page.getByTestId('member-row').filter({ hasText: 'bobby' }).waitFor();
    await page.getByLabel('Role of bobby').selectOption('owner');
    await confirmDialog('Make bobby an owner?', 'Change role');
    await poll(status).toBe('bobby is now an owner.');
    await poll(() => page.getByLabel('Role of bobby').inputValue()).toBe('owner');
  });

  it('creates a group, adds a member and renames it', { timeout: stepTimeout }, async () => {
    await page.getByLabel('New group').fill('devs');
    await page.getByRole('button', { name: 'Create group' }).click();
    await poll(status).toBe('Group devs was created.');
    await page.getByRole('button', { name: 'devs', exact: true }).click();
    await page.getByLabel('Add a member to devs').fill('bobby');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await poll(status).toBe('bobby was added to devs.');
    await page.getByLabel('Group name').fill('developers');
    await page.getByRole('button', { name: 'Save group' }).click();
    await poll(status).toBe('Group devs is now called developers.');
    const groups = (
      await t.inject({
        method: 'GET',
        url: '/v2/orgs/acme/groups',
        jwt: await t.login(owner.username, owner.password),
      })
    ).json().results;
    expect(groups).toEqual([expect.objectContaining({ name: 'developers', member_count: 1 })]);
    await screenshot(page, 'console-org-people-1280');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'console-org-people-390');
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(browser.problems).toEqual([]);
  });

  it('gives a group a permission on a repository, changes it and removes it', {
    timeout: stepTimeout,
  }, async () => {
    const grants = async () =>
      (
        await t.inject({
          method: 'GET',
          url: '/v2/orgs/acme/groups/developers/repositories',
          jwt: await t.login(owner.username, owner.password),
        })
      ).json().results;
    await page.getByRole('button', { name: 'developers', exact: true }).click();
    await page.getByText('developers has no permission on any repository yet.').waitFor();
    await page.getByLabel('Repository for developers').fill('acme/api');
    await page.getByLabel('Permission', { exact: true }).selectOption({ label: 'Read & Write' });
    await page.getByRole('button', { name: 'Add permission' }).click();
    await poll(status).toBe('developers now has Read & Write on api.');
    await poll(() => page.getByTestId('group-repository-row').textContent()).toContain('acme/api');
    expect(await grants()).toEqual([{ repository: 'api', permission: 'write' }]);

    await page.getByLabel('Permission on api').selectOption({ label: 'Read, Write, Delete' });
    await poll(status).toBe('developers now has Read, Write, Delete on api.');
    expect(await grants()).toEqual([{ repository: 'api', permission: 'admin' }]);

    await page.getByRole('button', { name: 'Remove api' }).click();
    await poll(status).toBe('developers no longer has a permission on api.');
    await poll(() => page.getByTestId('group-repository-row').count()).toBe(0);
    expect(await grants()).toEqual([]);
    expect(browser.problems).toEqual([]);
  });

  it('activity filters live in the URL, events say what changed, and the page fits a phone', {
    timeout: stepTimeout,
  }, async () => {
    await setOrgTier(t, 'acme', 'team');
    await page.goto(`${base}/orgs/acme/activity`);
    await page.getByRole('heading', { name: 'Activity' }).waitFor();
    await page.getByLabel('By', { exact: true }).fill('operator');
    await page.getByLabel('By', { exact: true }).press('Enter');
    await poll(() => page.evaluate<string>('window.location.search')).toBe('?actor=operator');
    await page.reload();
    await poll(() => page.getByLabel('By', { exact: true }).inputValue()).toBe('operator');
    await page.getByText('from free to team').first().waitFor();
    await page.goBack();
    await poll(() => page.evaluate<string>('window.location.search')).toBe('');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('heading', { name: 'Activity' }).waitFor();
    // The elements that reach past the phone's width, if any (named, to say what to fix).
    const widest = await page.evaluate<string[]>(
      `[...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > 391).map((e) => e.tagName + '.' + e.className).slice(0, 5)`,
    );
    expect(widest).toEqual([]);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('an editor manages the groups’ repository permissions; a member only reads them', {
    timeout: stepTimeout,
  }, async () => {
    const ownerJwt = await t.login(owner.username, owner.password);
    const setRole = async (role: string) =>
      expect(
        (
          await t.inject({
            method: 'PUT',
            url: '/v2/orgs/acme/members/bobby',
            jwt: ownerJwt,
            body: { role },
          })
        ).statusCode,
      ).toBe(200);
    await setRole('editor');
    await page.getByRole('button', { name: /Account menu/ }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.goto(`${base}/orgs/acme/people`);
    await page.getByLabel('Username').fill('bobby');
    await page.getByLabel('Password').fill(bobbyPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Members, groups and invites' }).waitFor();
    await page.getByRole('button', { name: 'developers', exact: true }).click();
    // An editor changes permissions, not the group itself.
    expect(await page.getByLabel('Group name').count()).toBe(0);
    await page.getByLabel('Repository for developers').fill('web');
    await page.getByRole('button', { name: 'Add permission' }).click();
    await poll(status).toBe('developers now has Read-only on web.');
    const grants = await t.inject({
      method: 'GET',
      url: '/v2/orgs/acme/groups/developers/repositories',
      jwt: ownerJwt,
    });
    expect(grants.json().results).toEqual([{ repository: 'web', permission: 'read' }]);

    await setRole('member');
    await page.reload();
    await page.getByRole('button', { name: 'developers', exact: true }).click();
    await poll(() => page.getByTestId('group-repository-row').textContent()).toBe('acme/webRead-only');
    expect(await page.getByLabel('Repository for developers').count()).toBe(0);
    expect(await page.getByLabel('Permission on web').count()).toBe(0);
  });
});
