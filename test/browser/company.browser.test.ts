/**
 * The company page of the web console in headless Chromium against a real tokenhub: an owner of a
 * Business organization creates a company, adds the organization and a second owner by email; the
 * second owner (no member of the organization) sees the company's organizations, members and
 * tokens, and the organization page says they act through the company; the last owner cannot be
 * removed, and the refusal is shown.
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

const password = 'correct horse battery staple';
const stepTimeout = 90_000;

let t: TestApp;
let base: string;
let browser: Browser;
let page: Page;

async function signIn(username: string) {
  await page.goto(`${base}/signin`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}

async function signOut() {
  await page.getByRole('button', { name: /Account menu/ }).click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
}

describe.skipIf(!requireChromium())('the company page in Chromium', () => {
  beforeAll(async () => {
    await ensureConsoleBuilt();
    t = await createTestApp({ start: new Date().toISOString() });
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    await t.signUp('alice', password);
    await t.signUp('carol', password);
    const jwt = await t.login('alice', password);
    expect(
      (await t.inject({ method: 'POST', url: '/v2/orgs', jwt, body: { name: 'acme' } })).statusCode,
    ).toBe(201);
    await setOrgTier(t, 'acme', 'business');
    browser = await launchBrowser();
    page = browser.page;
  }, 120_000);

  afterEach(async ({ task }) => screenshotIfFailed(page, task));

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it(
    'an owner creates a company, adds the organization and a second owner',
    async () => {
      await signIn('alice');
      await page.getByRole('link', { name: 'Companies' }).click();
      await page.getByLabel('Name').fill('megacorp');
      await page.getByRole('button', { name: 'Create company' }).click();
      await page.getByRole('heading', { name: 'megacorp' }).waitFor();
      await page.getByLabel('Add an organization').fill('acme');
      await page.getByRole('button', { name: 'Add organization' }).click();
      await expect
        .poll(() => page.getByTestId('company-org').textContent(), { timeout: 20_000 })
        .toContain('acme');
      await page.getByLabel('Add an owner').fill('carol@example.com');
      await page.getByRole('button', { name: 'Add owner' }).click();
      await expect.poll(() => page.getByTestId('company-owner').count(), { timeout: 20_000 }).toBe(2);
      await signOut();
    },
    stepTimeout,
  );

  it(
    'the second owner sees the company views and acts through the company in the organization',
    async () => {
      await signIn('carol');
      await page.goto(`${base}/companies/megacorp`);
      await expect
        .poll(() => page.getByTestId('company-org').textContent(), { timeout: 20_000 })
        .toMatch(/Business · 1 member/);
      await expect
        .poll(() => page.getByTestId('company-member').textContent(), { timeout: 20_000 })
        .toContain('acme (owner)');
      await screenshot(page, 'console-company');
      await page.getByRole('link', { name: 'acme' }).first().click();
      await expect
        .poll(() => page.getByTestId('acting-company').textContent(), { timeout: 20_000 })
        .toContain('megacorp');
      await expect(page.getByRole('link', { name: /Access tokens/ }).isVisible()).resolves.toBe(true);
    },
    stepTimeout,
  );

  it(
    'an owner removes another; the last owner cannot go, and the page says why',
    async () => {
      await page.goto(`${base}/companies/megacorp`);
      const aliceRow = page.getByTestId('company-owner').filter({ hasText: 'alice' });
      await aliceRow.getByRole('button', { name: 'Remove' }).click();
      await expect.poll(() => page.getByTestId('company-owner').count(), { timeout: 20_000 }).toBe(1);
      await page.getByTestId('company-owner').getByRole('button', { name: 'Remove' }).click();
      await page.getByRole('alert').filter({ hasText: 'at least one owner' }).waitFor();
      expect(browser.problems).toEqual([]);
    },
    stepTimeout,
  );
});
