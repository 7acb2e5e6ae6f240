/**
 * What the console says after a change, in headless Chromium: a visible confirmation (not one only
 * a screen reader hears) after deactivating a PAT, deleting an organization token, creating an
 * organization and turning 2FA off; the Editor role from the people page and in an invite; an
 * organization of more than 100 members listed whole; a group's description edited. Each is
 * checked on the page and, where the server holds it, through the API. On a phone, an activity
 * event's whole user agent opens with a tap.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Organization } from '../../src/core/organization-rules.ts';
import { totpCode } from '../../src/core/totp.ts';
import { insertOrgMember } from '../../src/storage/org-member.repository.ts';
import { insertUser } from '../../src/storage/user.repository.ts';
import { createTestApp, type TestApp } from '../support/app-harness.ts';
import { setOrgTier, setUpOrg } from '../support/org-fixtures.ts';
import { mintOat } from '../support/token-fixtures.ts';
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
/** More than one page of the API's largest page size (100). */
const memberCount = 150;
const memberName = (n: number) => `m${String(n).padStart(3, '0')}`;

let t: TestApp;
let base: string;
let browser: Browser;
let page: Page;
let jwt = '';
let acme: Organization;

const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 20_000, interval: 100 });

/** The confirmation `text` is on screen: visible to the eye, in a polite live region, not hidden. */
async function expectVisibleConfirmation(text: string) {
  const region = page.locator('[role="status"], [aria-live="polite"]').filter({ hasText: text }).first();
  await region.waitFor({ state: 'attached' });
  expect(await region.evaluate((el) => el.closest('.visually-hidden') === null)).toBe(true);
  expect(await region.isVisible()).toBe(true);
}

async function api(method: 'GET' | 'POST', url: string, body?: Record<string, unknown>) {
  const reply = await t.inject({ method, url, jwt, ...(body ? { body } : {}) });
  expect(reply.statusCode, reply.body).toBeLessThan(300);
  return reply.json();
}

/** Accounts straight into the store: no password hashing, so 150 take milliseconds. */
async function insertAccount(username: string) {
  const at = new Date().toISOString();
  const id = crypto.randomUUID();
  await insertUser(t.database.db, {
    id,
    username,
    email: `${username}@example.com`,
    passwordHash: 'not a usable hash',
    isAdmin: false,
    createdAt: at,
    updatedAt: at,
    sessionsValidAfter: null,
  });
  return { id, at };
}

describe.skipIf(!requireChromium())('console feedback in Chromium', () => {
  beforeAll(async () => {
    await ensureConsoleBuilt();
    t = await createTestApp({ start: new Date().toISOString() });
    await t.signUp(owner.username, owner.password);
    jwt = await t.login(owner.username, owner.password);
    acme = await setUpOrg(t, 'acme', { owner: owner.username, members: [] });
    await setOrgTier(t, 'acme', 'team');
    for (let n = 1; n <= memberCount; n++) {
      const { id, at } = await insertAccount(memberName(n));
      await insertOrgMember(t.database.db, { orgId: acme.id, userId: id, role: 'member', createdAt: at });
    }
    await insertAccount('carol');
    await t.createPat(jwt, { token_label: 'laptop' });
    await mintOat(t, acme, [{ type: 'TYPE_ORG', path: 'acme', scopes: ['scope-member-read'] }], 'robot');
    await api('POST', '/v2/orgs/acme/groups', { name: 'devs' });

    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchBrowser();
    page = browser.page;
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${base}/settings/tokens`);
    await page.getByLabel('Username').fill(owner.username);
    await page.getByLabel('Password').fill(owner.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Personal access tokens' }).waitFor();
  }, 120_000);

  afterEach(async ({ task }) => screenshotIfFailed(page, task));

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('deactivating a PAT is confirmed on screen, and the note can be dismissed', {
    timeout: stepTimeout,
  }, async () => {
    await page.getByRole('button', { name: 'Deactivate laptop' }).click();
    await expectVisibleConfirmation('laptop deactivated.');
    await screenshot(page, 'console-notice-1280');
    await page.getByRole('button', { name: 'Dismiss' }).click();
    await poll(() => page.getByText('laptop deactivated.').count()).toBe(0);
  });

  it('deleting an organization token is confirmed on screen', { timeout: stepTimeout }, async () => {
    await page.goto(`${base}/orgs/acme/tokens`);
    await page.getByRole('button', { name: 'Delete robot' }).click();
    await page
      .getByRole('dialog', { name: 'Delete access token?' })
      .getByRole('button', { name: 'Delete', exact: true })
      .click();
    await expectVisibleConfirmation('Token deleted.');
  });

  it('creating an organization is confirmed on its page', { timeout: stepTimeout }, async () => {
    await page.goto(`${base}/orgs`);
    await page.getByLabel('Name', { exact: true }).fill('widgets');
    await page.getByRole('button', { name: 'Create organization' }).click();
    await page.getByRole('heading', { name: 'widgets' }).waitFor();
    await expectVisibleConfirmation('Organization widgets was created. You are its owner.');
  });

  it('lists every member of an organization of more than 100', { timeout: stepTimeout }, async () => {
    await page.goto(`${base}/orgs/acme/people`);
    await poll(() => page.getByTestId('member-row').count()).toBe(memberCount + 1);
    await page
      .getByTestId('member-row')
      .filter({ hasText: memberName(memberCount) })
      .waitFor();
  });

  it('makes a member an editor from the people page', { timeout: stepTimeout }, async () => {
    await page.getByLabel('Role of m007').selectOption('editor');
    const dialog = page.getByRole('dialog', { name: 'Make m007 an editor?' });
    expect(await dialog.textContent()).toContain('An editor also creates and deletes repositories');
    await dialog.getByRole('button', { name: 'Change role' }).click();
    await expectVisibleConfirmation('m007 is now an editor.');
    const editors = await api('GET', '/v2/orgs/acme/members?role=editor');
    expect(editors.results.map((m: { username: string }) => m.username)).toEqual(['m007']);
    expect(await page.getByLabel('Role of m007').inputValue()).toBe('editor');
  });

  it('invites someone as an editor', { timeout: stepTimeout }, async () => {
    await page.getByLabel('Invite by username or email').fill('carol');
    await page.getByLabel('Role', { exact: true }).selectOption('editor');
    await page.getByRole('button', { name: 'Send invite' }).click();
    await expectVisibleConfirmation('carol was invited as an editor.');
    const invites = await api('GET', '/v2/orgs/acme/invites');
    expect((invites.data ?? invites.results).map((i: { role: string }) => i.role)).toEqual(['editor']);
  });

  it("edits a group's description and shows it under the name", { timeout: stepTimeout }, async () => {
    await page.getByRole('button', { name: 'devs', exact: true }).click();
    await page.getByLabel('Description', { exact: true }).fill('The people who ship the API');
    await page.getByRole('button', { name: 'Save group' }).click();
    await expectVisibleConfirmation('Group devs was saved.');
    await poll(() => page.getByTestId('group-description').textContent()).toBe('The people who ship the API');
    const groups = await api('GET', '/v2/orgs/acme/groups');
    expect(groups.results).toEqual([
      expect.objectContaining({ name: 'devs', description: 'The people who ship the API' }),
    ]);
  });

  it("at phone width, the client opens to an event's whole user agent without hovering", {
    timeout: stepTimeout,
  }, async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${base}/activity`);
    const client = page.locator('td[data-label="From"] summary').first();
    await client.click();
    const whole = page.getByTestId('user-agent').first();
    await whole.waitFor();
    expect(await whole.textContent()).toMatch(/^Mozilla\/5\.0 .*Chrom/);
    await screenshot(page, 'console-activity-user-agent-390');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('turning 2FA off is confirmed on screen', { timeout: stepTimeout }, async () => {
    const { secret } = await api('POST', '/v2/users/me/2fa/setup');
    const { recovery_codes } = await api('POST', '/v2/users/me/2fa/enable', {
      code: totpCode(secret, t.clock.now()),
    });
    await page.goto(`${base}/settings/security`);
    await page.getByRole('button', { name: 'Turn off…' }).click();
    await page.getByLabel('Password', { exact: true }).fill(owner.password);
    // A recovery code: the time code that turned 2FA on may not be used twice.
    await page.getByLabel('Authentication or recovery code').fill(recovery_codes[0]);
    await page.getByRole('button', { name: 'Turn off two-factor authentication' }).click();
    await expectVisibleConfirmation('Two-factor authentication is off.');
    expect((await api('GET', '/v2/users/me/2fa')).enabled).toBe(false);
    expect(browser.problems).toEqual([]);
  });
});
