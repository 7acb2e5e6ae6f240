/**
 * Fine-grained tokens and token policies in headless Chromium against a listening tokenhub: the
 * generate dialog makes a PAT limited to one repository and to loopback (proved at /token), its
 * row shows both and its addresses, and an organization owner sets the token policy page.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app-harness.ts';
import { setOrgTier, setUpOrg } from '../support/org-fixtures.ts';
import {
  type Browser,
  copySecretAndClose,
  ensureConsoleBuilt,
  launchBrowser,
  requireChromium,
  screenshot,
  screenshotIfFailed,
} from './browser-support.ts';

const owner = { username: 'alice', password: 'correct horse battery staple' };
const stepTimeout = 90_000;
const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 20_000, interval: 100 });

let t: TestApp;
let base: string;
let browser: Browser;
let page: Page;

async function grants(secret: string, scope: string) {
  const query = new URLSearchParams({ service: 'tokenhub-registry', scope });
  const res = await fetch(`${base}/token?${query}`, {
    headers: { authorization: `Basic ${Buffer.from(`alice:${secret}`).toString('base64')}` },
  });
  const body = (await res.json()) as { token: string };
  const claims = JSON.parse(Buffer.from(body.token.split('.')[1] ?? '', 'base64url').toString());
  return (claims.access as Array<{ actions: string[] }>)[0]?.actions;
}

describe.skipIf(!requireChromium())('fine-grained tokens, allowlists and token policies in Chromium', () => {
  beforeAll(async () => {
    await ensureConsoleBuilt();
    t = await createTestApp({ start: new Date().toISOString() });
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    await t.signUp(owner.username, owner.password);
    await setUpOrg(t, 'acme', { members: [] });
    await setOrgTier(t, 'acme', 'team');
    browser = await launchBrowser();
    page = browser.page;
  }, 120_000);

  afterEach(async ({ task }) => screenshotIfFailed(page, task));

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('generates a PAT limited to one repository and to loopback; /token grants exactly that', {
    timeout: stepTimeout,
  }, async () => {
    await page.goto(`${base}/signin`);
    await page.getByLabel('Username').fill(owner.username);
    await page.getByLabel('Password').fill(owner.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Personal access tokens' }).waitFor();
    await page.getByRole('button', { name: 'Generate new token' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create access token' });
    await dialog.getByLabel('Access token description').fill('deploy app');
    await dialog.getByLabel('Repository to add').fill('not a repo');
    await dialog.getByRole('button', { name: 'Add repository' }).click();
    await poll(() => dialog.getByRole('alert').first().textContent()).toMatch(/namespace\/repository/);
    await dialog.getByLabel('Repository to add').fill('app');
    await dialog.getByRole('button', { name: 'Add repository' }).click();
    await dialog.getByLabel('Permission on alice/app').selectOption('push');
    // With repositories listed, their permissions decide: the level picker goes away.
    await poll(() => dialog.getByRole('radio').count()).toBe(0);
    await dialog.getByLabel('Allowed networks (optional)').fill('127.0.0.0/8\n::1');
    await dialog.getByRole('button', { name: 'Generate' }).click();
    const created = page.getByRole('dialog', { name: 'Personal access token created' });
    await created.waitFor();
    const secret = await created.getByTestId('token-secret').inputValue();
    await screenshot(page, 'console-fine-grained-secret', { forDocs: false });
    expect(await grants(secret, 'repository:alice/app:pull,push,delete')).toEqual(['pull', 'push']);
    expect(await grants(secret, 'repository:alice/other:pull')).toEqual([]);
    await copySecretAndClose(created);

    await t.app.services.lastUsed.flush();
    await page.reload();
    const row = page.getByTestId('pat-row').filter({ hasText: 'deploy app' });
    await row.locator('summary').click();
    await poll(() => row.textContent()).toMatch(/alice\/app \(push\)/);
    expect(await row.textContent()).toContain('127.0.0.0/8, ::1/128');
    expect(await row.getByRole('list', { name: 'Last five client addresses' }).textContent()).toMatch(
      /127\.0\.0\.1/,
    );
  });

  it('an organization token made in the console carries its allowed networks', {
    timeout: stepTimeout,
  }, async () => {
    await page.goto(`${base}/orgs/acme/tokens`);
    await page.getByRole('button', { name: 'Generate new token' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create organization access token' });
    await dialog.getByLabel('Label').fill('office only');
    await dialog.getByLabel('Repository to add').fill('acme/api');
    await dialog.getByRole('button', { name: 'Add repository' }).click();
    await dialog.getByLabel('Allowed networks (optional)').fill('192.0.2.0/24');
    await dialog.getByRole('button', { name: 'Generate' }).click();
    const created = page.getByRole('dialog', { name: 'Organization access token created' });
    const secret = await created.getByTestId('token-secret').inputValue();
    const res = await fetch(`${base}/token?service=tokenhub-registry&scope=repository:acme/api:pull`, {
      headers: { authorization: `Basic ${Buffer.from(`acme:${secret}`).toString('base64')}` },
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { details: string }).details).toContain('may not be used from address');
    await copySecretAndClose(created);
  });

  it('an owner sets the organization’s token policy', { timeout: stepTimeout }, async () => {
    await page.goto(`${base}/orgs/acme`);
    await page.getByRole('link', { name: /Token policy/ }).click();
    await page.getByRole('heading', { name: 'Token policy' }).waitFor();
    await page.getByLabel('Personal access tokens live at most (days)').fill('0');
    await page.getByRole('button', { name: 'Save policy' }).click();
    // Once, beside the field it is about.
    await poll(() => page.getByText(/1 to 366/).count()).toBe(1);
    expect(
      await page.getByLabel('Personal access tokens live at most (days)').getAttribute('aria-invalid'),
    ).toBe('true');
    expect(await page.getByRole('alert').count()).toBe(0);
    await page.getByLabel('Personal access tokens live at most (days)').fill('30');
    await page.getByLabel('Personal access tokens must be fine-grained').check();
    await page.getByRole('button', { name: 'Save policy' }).click();
    await page.getByText('Policy saved.').waitFor();
    await screenshot(page, 'console-org-token-policy');
    const res = await t.inject({
      method: 'GET',
      url: '/v2/orgs/acme/settings/tokens',
      jwt: await t.login(owner.username, owner.password),
    });
    expect(res.json()).toMatchObject({ pat_max_lifetime_days: 30, require_fine_grained_pats: true });
    expect(browser.problems).toEqual([]);
  });
});
