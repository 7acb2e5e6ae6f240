/**
 * How the console reads, in headless Chromium: a refused field's message is said once, beside the
 * field, in the label's words (never the API's field name); at 1280×800 no date or address in the
 * token list or the activity wraps, and a long IPv6 address is shortened with the whole one on hover.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app-harness.ts';
import type { Browser } from './browser-support.ts';
import {
  ensureConsoleBuilt,
  launchBrowser,
  requireChromium,
  screenshot,
  screenshotIfFailed,
} from './browser-support.ts';

const owner = { username: 'alice', password: 'a long enough password' };
const ipv6 = '2001:db8:85a3:0:0:8a2e:370:7334';
const stepTimeout = 90_000;
/** A description that leaves the other columns only what they cannot do without. */
const longLabel = 'nightly build of every service image for the staging cluster in the second region';

let t: TestApp;
let base: string;
let browser: Browser;
let page: Page;

const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 20_000, interval: 100 });

/** The elements among `selector` that the browser laid out on more than one line. */
const wrapped = (selector: string) =>
  page.evaluate<string[]>(
    `[...document.querySelectorAll(${JSON.stringify(selector)})]
      .filter((element) => element.getClientRects().length > 1)
      .map((element) => element.textContent)`,
  );

describe.skipIf(!requireChromium())('console looks in Chromium', () => {
  beforeAll(async () => {
    await ensureConsoleBuilt();
    t = await createTestApp({ start: new Date().toISOString() });
    await t.signUp(owner.username, owner.password);
    const jwt = await t.login(owner.username, owner.password);
    await t.createPat(jwt, { token_label: longLabel });
    await t.createPat(jwt, { token_label: `${longLabel} (spare)`, expires_at: inDays(30) });
    // One token made from an IPv6 address, so the activity has a long address to show.
    const fromIpv6 = await t.app.inject({
      method: 'POST',
      url: '/v2/access-tokens',
      remoteAddress: ipv6,
      headers: { authorization: `Bearer ${jwt}`, 'user-agent': 'tokenhub-tests/1.0' },
      payload: { token_label: 'from ipv6', scopes: ['repo:read'] },
    });
    expect(fromIpv6.statusCode).toBe(201);
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

  it("says a refused description once, beside the field, in the label's words", {
    timeout: stepTimeout,
  }, async () => {
    const tooLong = 'x'.repeat(101);
    await page.getByRole('button', { name: 'Generate new token' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create access token' });
    // The input stops at 100 characters; the server's rule is what is tested here.
    await dialog.locator('#pat-description').evaluate((input) => input.removeAttribute('maxlength'));
    await dialog.getByLabel('Access token description').fill(tooLong);
    await dialog.getByRole('button', { name: 'Generate' }).click();
    await poll(() => dialog.locator('#pat-description-help').textContent()).toBe(
      'The access token description must be at most 100 characters.',
    );
    expect(await dialog.getByRole('alert').count()).toBe(0);
    expect(await dialog.textContent()).not.toContain('token_label');
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    await page.getByRole('button', { name: 'Edit from ipv6' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit from ipv6' });
    await edit.locator('#pat-description').evaluate((input) => input.removeAttribute('maxlength'));
    await edit.getByLabel('Access token description').fill(tooLong);
    await edit.getByRole('button', { name: 'Save' }).click();
    await poll(() => edit.locator('#pat-description-help').textContent()).toBe(
      'The access token description must be at most 100 characters.',
    );
    expect(await edit.getByRole('alert').count()).toBe(0);
    expect(await edit.textContent()).not.toContain('token_label');
    await edit.getByRole('button', { name: 'Cancel' }).click();
  });

  it('keeps every date and address of the token list and the activity on one line at 1280 px', {
    timeout: stepTimeout,
  }, async () => {
    await poll(() => page.getByTestId('pat-row').count()).toBe(3);
    expect(await page.locator('[data-testid="pat-row"] time').count()).toBeGreaterThanOrEqual(4);
    expect(await wrapped('[data-testid="pat-row"] time')).toEqual([]);
    const created = page.getByTestId('pat-row').first().locator('time').first();
    // The short date in the cell, the whole date and time on hover.
    expect(await created.textContent()).toMatch(/^[A-Z][a-z]{2} \d{1,2}, \d{4}$/);
    expect(await created.getAttribute('title')).toMatch(/\d{1,2}:\d{2}/);

    await page.getByRole('link', { name: 'Activity' }).click();
    await page.getByRole('heading', { name: 'Activity' }).waitFor();
    await poll(() => page.locator('table time').count()).toBeGreaterThanOrEqual(3);
    expect(await wrapped('table time')).toEqual([]);
    const address = page.getByTitle(ipv6);
    expect(await address.first().textContent()).toBe('2001:db8:…:7334');
    expect(await wrapped(`table [title="${ipv6}"], table td[data-label="From"] .mono`)).toEqual([]);
    await screenshot(page, 'console-activity-1280', { forDocs: false });
  });
});

function inDays(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString();
}
