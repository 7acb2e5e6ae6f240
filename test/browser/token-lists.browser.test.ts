/**
 * The two token lists in headless Chromium: the organization list's columns, sorting, selection and
 * bulk delete; page and sort kept in the URL on both lists; the create dialogs' buttons within an
 * 800-px-high window and a phone; the warning before closing a secret that was never copied.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app-harness.ts';
import { setOrgTier } from '../support/org-fixtures.ts';
import {
  type Browser,
  copySecretAndClose,
  ensureConsoleBuilt,
  launchBrowser,
  requireChromium,
  screenshot,
  screenshotIfFailed,
} from './browser-support.ts';

const owner = { username: 'alice', password: 'a long enough password' };
const stepTimeout = 90_000;
const day = 86_400_000;
const dockerUserAgent = 'docker/27.3.1 go/go1.22.7 os/linux arch/amd64';

let t: TestApp;
let base: string;
let browser: Browser;
let page: Page;
let jwt = '';
const hints = new Map<string, string>();

const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 20_000, interval: 100 });
const labels = () => page.locator('[data-testid="oat-row"] .token-name').allTextContents();
const oatRow = (label: string) => page.getByTestId('oat-row').filter({ hasText: label });

/** An OAT made through the API, a second after the previous one (so "Created" sorts). */
async function createOat(label: string, expiresInDays: number | null): Promise<string> {
  t.clock.advanceSeconds(1);
  const res = await t.inject({
    method: 'POST',
    url: '/v2/orgs/acme/access-tokens',
    jwt,
    body: {
      label,
      resources: [{ type: 'TYPE_REPO', path: 'acme/*', scopes: ['scope-image-pull'] }],
      expires_at: expiresInDays === null ? null : new Date(Date.now() + expiresInDays * day).toISOString(),
    },
  });
  expect(res.statusCode).toBe(201);
  const body = res.json<{ token: string; token_hint: string }>();
  hints.set(label, body.token_hint);
  return body.token;
}

async function serverLabels(): Promise<string[]> {
  const res = await t.inject({ method: 'GET', url: '/v2/orgs/acme/access-tokens?page_size=100', jwt });
  return res
    .json<{ results: { label: string }[] }>()
    .results.map((token) => token.label)
    .sort();
}

/** The button's box lies inside the window, and nothing covers its middle. */
async function expectInView(locator: Locator, viewport: { width: number; height: number }) {
  const box = await locator.boundingBox();
  expect(box).not.toBeNull();
  if (!box) return;
  expect(box.y).toBeGreaterThanOrEqual(0);
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.y + box.height).toBeLessThanOrEqual(viewport.height);
  expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  const topmost = await page.evaluate(
    `document.elementFromPoint(${x}, ${y})?.closest('button')?.textContent ?? null`,
  );
  expect(topmost).toBe(await locator.textContent());
}

describe.skipIf(!requireChromium())('token lists in Chromium', () => {
  beforeAll(async () => {
    await ensureConsoleBuilt();
    t = await createTestApp({ start: new Date().toISOString() });
    await t.signUp(owner.username, owner.password);
    jwt = await t.login(owner.username, owner.password);
    expect(
      (await t.inject({ method: 'POST', url: '/v2/orgs', jwt, body: { name: 'acme' } })).statusCode,
    ).toBe(201);
    await setOrgTier(t, 'acme', 'business');
    await createOat('deploy', 30);
    const nightly = await createOat('nightly', null);
    await createOat('audit', 10);
    await createOat('mirror', 60);
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    // nightly is used once by a docker client; the others never.
    const used = await fetch(`${base}/token?service=tokenhub-registry&scope=repository:acme/app:pull`, {
      headers: {
        authorization: `Basic ${Buffer.from(`acme:${nightly}`).toString('base64')}`,
        'user-agent': dockerUserAgent,
      },
    });
    expect(used.status).toBe(200);
    await t.app.services.lastUsed.flush();

    browser = await launchBrowser();
    page = browser.page;
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${base}/orgs/acme/tokens`);
    await page.getByLabel('Username').fill(owner.username);
    await page.getByLabel('Password').fill(owner.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Access tokens', exact: true }).waitFor();
  }, 120_000);

  afterEach(async ({ task }) => screenshotIfFailed(page, task));

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('lists organization tokens with created, last used (when, IP, client), expiry, hint and counts', {
    timeout: stepTimeout,
  }, async () => {
    await poll(() => page.getByTestId('oat-row').count()).toBe(4);
    for (const name of ['Label', 'Created by', 'Status', 'Created', 'Last used', 'Expires']) {
      await page.getByRole('columnheader').getByRole('button', { name, exact: true }).waitFor();
    }
    // Newest first by default.
    expect(await labels()).toEqual(['mirror', 'audit', 'nightly', 'deploy']);
    const hint = hints.get('nightly') ?? '';
    expect(hint).toMatch(/^thub_oat_/);
    expect(await oatRow('nightly').getByTestId('token-hint').textContent()).toBe(hint);
    expect(await page.getByTestId('token-counts').textContent()).toBe('4 active · 0 inactive');

    const nightly = oatRow('nightly');
    expect(await nightly.locator('td[data-label="Created"] time').getAttribute('datetime')).toMatch(
      /^\d{4}-/,
    );
    expect(await nightly.locator('td[data-label="Expires"]').textContent()).toBe('Never');
    await nightly.locator('td[data-label="Last used"] summary').click();
    const details = nightly.locator('td[data-label="Last used"] dl');
    await poll(() => details.textContent()).toContain('127.0.0.1');
    expect(await details.textContent()).toContain(dockerUserAgent);
    expect(await details.textContent()).toMatch(/When/);
    expect(await oatRow('deploy').locator('td[data-label="Last used"]').textContent()).toBe('Never used');
  });

  it('"Delete selected" is disabled until a token is selected; select-all shows a partial state', {
    timeout: stepTimeout,
  }, async () => {
    const deleteSelected = page.getByRole('button', { name: /^Delete selected/ });
    expect(await deleteSelected.isDisabled()).toBe(true);
    const selectAll = page.getByRole('checkbox', { name: 'Select all tokens on this page' });
    await page.getByRole('checkbox', { name: 'Select audit' }).check();
    await poll(() => selectAll.getAttribute('aria-checked')).toBe('mixed');
    expect(await deleteSelected.isDisabled()).toBe(false);
    await page.getByRole('checkbox', { name: 'Select audit' }).uncheck();
    await poll(() => deleteSelected.isDisabled()).toBe(true);
  });

  it('sorts by expiry with "never expires" as the latest, and by label', {
    timeout: stepTimeout,
  }, async () => {
    const expires = page.getByRole('columnheader').getByRole('button', { name: 'Expires' });
    await expires.click();
    await poll(labels).toEqual(['audit', 'deploy', 'mirror', 'nightly']);
    await expires.click();
    await poll(labels).toEqual(['nightly', 'mirror', 'deploy', 'audit']);
    expect(await page.getByRole('columnheader', { name: 'Expires' }).getAttribute('aria-sort')).toBe(
      'descending',
    );
    const lastUsed = page.getByRole('columnheader').getByRole('button', { name: 'Last used' });
    await lastUsed.click();
    // Never used sorts as the oldest: first ascending (ties keep newest first).
    await poll(labels).toEqual(['mirror', 'audit', 'deploy', 'nightly']);
    await page.getByRole('columnheader').getByRole('button', { name: 'Label' }).click();
    await poll(labels).toEqual(['audit', 'deploy', 'mirror', 'nightly']);
  });

  it('selects two tokens and deletes them after one confirmation that lists them', {
    timeout: stepTimeout,
  }, async () => {
    await page.getByRole('checkbox', { name: 'Select audit' }).check();
    await page.getByRole('checkbox', { name: 'Select mirror' }).check();
    await page.getByRole('button', { name: 'Delete selected (2)' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete 2 access tokens?' });
    await poll(() => confirm.getByRole('listitem').allTextContents()).toEqual(['audit', 'mirror']);
    await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
    await poll(labels).toEqual(['deploy', 'nightly']);
    expect(await serverLabels()).toEqual(['deploy', 'nightly']);
    expect(await page.getByRole('button', { name: /^Delete selected/ }).isDisabled()).toBe(true);
    await poll(() => page.getByTestId('tier-usage').textContent()).toBe('2 of 100 tokens');
  });

  it('keeps page and sort in the URL: reload and Back keep them, bad values fall back', {
    timeout: stepTimeout,
  }, async () => {
    for (let i = 1; i <= 10; i++) await createOat(`batch ${String(i).padStart(2, '0')}`, i);
    await page.goto(`${base}/orgs/acme/tokens`);
    await poll(() => page.getByTestId('oat-row').count()).toBe(10);
    await page.getByRole('columnheader').getByRole('button', { name: 'Label' }).click();
    await poll(labels).toContain('batch 01');
    await page.getByRole('button', { name: 'Next' }).click();
    await poll(async () => new URL(page.url()).search).toBe('?page=2&sort=label&dir=asc');
    await poll(labels).toEqual(['deploy', 'nightly']);

    await page.reload();
    await poll(labels).toEqual(['deploy', 'nightly']);
    await page.getByText('Page 2 of 2').waitFor();
    expect(await page.getByRole('columnheader', { name: 'Label' }).getAttribute('aria-sort')).toBe(
      'ascending',
    );

    await page.goBack();
    await poll(async () => new URL(page.url()).search).toBe('?sort=label&dir=asc');
    await poll(labels).toHaveLength(10);
    expect((await labels())[0]).toBe('batch 01');
    await page.goBack();
    await poll(async () => new URL(page.url()).search).toBe('');
    await poll(() =>
      page.getByRole('columnheader', { name: 'Created', exact: true }).getAttribute('aria-sort'),
    ).toBe('descending');

    await page.goto(`${base}/orgs/acme/tokens?page=-3&sort=secret&dir=sideways&size=7`);
    await page.getByText('Page 1 of 2').waitFor();
    expect(
      await page.getByRole('columnheader', { name: 'Created', exact: true }).getAttribute('aria-sort'),
    ).toBe('descending');
    expect(await page.getByRole('combobox', { name: 'Rows per page' }).inputValue()).toBe('10');

    await page.goto(`${base}/orgs/acme/tokens?size=25&sort=expires&dir=desc`);
    await poll(() => page.getByTestId('oat-row').count()).toBe(12);
    expect((await labels())[0]).toBe('nightly');

    // The personal list keeps its sort in the URL the same way.
    for (const label of ['zulu', 'alpha']) {
      t.clock.advanceSeconds(1);
      await t.createPat(jwt, { token_label: label, scopes: ['repo:read'] });
    }
    await page.goto(`${base}/settings/tokens`);
    const patLabels = () => page.locator('[data-testid="pat-row"] .token-name').allTextContents();
    await poll(patLabels).toEqual(['alpha', 'zulu']);
    await page.getByRole('columnheader').getByRole('button', { name: 'Description' }).click();
    await poll(async () => new URL(page.url()).search).toBe('?sort=description&dir=asc');
    await page.getByRole('columnheader').getByRole('button', { name: 'Description' }).click();
    await poll(patLabels).toEqual(['zulu', 'alpha']);
    await page.reload();
    await poll(patLabels).toEqual(['zulu', 'alpha']);
    await page.goBack();
    await poll(patLabels).toEqual(['alpha', 'zulu']);
  });

  it('the create dialogs keep Generate in view at 1280×800 and on a 390×844 phone', {
    timeout: stepTimeout,
  }, async () => {
    for (const viewport of [
      { width: 1280, height: 800 },
      { width: 390, height: 844 },
    ]) {
      await page.setViewportSize(viewport);
      await page.goto(`${base}/orgs/acme/tokens`);
      await page.getByRole('button', { name: 'Generate new token' }).click();
      const dialog = page.getByRole('dialog', { name: 'Create organization access token' });
      await dialog.getByLabel('Label').waitFor();
      await expectInView(dialog.getByRole('button', { name: 'Generate', exact: true }), viewport);
      expect(await page.evaluate('window.scrollY')).toBe(0);
      await screenshot(page, `oat-generate-dialog-${viewport.width}`, { forDocs: false });
      await dialog.getByRole('button', { name: 'Cancel' }).click();

      await page.goto(`${base}/settings/tokens`);
      await page.getByRole('button', { name: 'Generate new token' }).click();
      const pat = page.getByRole('dialog', { name: 'Create access token' });
      await pat.getByLabel('Access token description').waitFor();
      await expectInView(pat.getByRole('button', { name: 'Generate', exact: true }), viewport);
      await pat.getByRole('button', { name: 'Cancel' }).click();
    }
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('asks before closing a new secret that was never copied; once copied, closes silently', {
    timeout: stepTimeout,
  }, async () => {
    const question = 'You have not copied the token. It will not be shown again. Close anyway?';
    await page.goto(`${base}/orgs/acme/tokens`);
    const generate = async (label: string) => {
      await page.getByRole('button', { name: 'Generate new token' }).click();
      const dialog = page.getByRole('dialog', { name: 'Create organization access token' });
      await dialog.getByLabel('Label').fill(label);
      await dialog.getByLabel('Repository to add').fill('acme/api');
      await dialog.getByRole('button', { name: 'Add repository' }).click();
      await dialog.getByRole('button', { name: 'Generate', exact: true }).click();
      const created = page.getByRole('dialog', { name: 'Organization access token created' });
      await created.getByTestId('token-secret').waitFor();
      return created;
    };
    const warning = page.getByRole('dialog', { name: 'Close without copying the token?' });

    const created = await generate('uncopied');
    await page.keyboard.press('Escape');
    await warning.getByText(question).waitFor();
    await warning.getByRole('button', { name: 'Go back' }).click();
    await warning.waitFor({ state: 'detached' });
    expect(await created.getByTestId('token-secret').inputValue()).toMatch(/^thub_oat_/);
    await created.getByRole('button', { name: 'Close', exact: true }).click();
    await warning.waitFor();
    await warning.getByRole('button', { name: 'Go back' }).click();
    await created.getByRole('button', { name: 'Back to access tokens' }).click();
    await warning.getByRole('button', { name: 'Close anyway' }).click();
    await created.waitFor({ state: 'detached' });
    await oatRow('uncopied').waitFor();

    const copied = await generate('copied');
    await copied.getByRole('button', { name: 'Copy token' }).click();
    await copied.getByRole('button', { name: 'Copy token' }).filter({ hasText: 'Copied' }).waitFor();
    await page.keyboard.press('Escape');
    await copied.waitFor({ state: 'detached' });
    expect(await warning.count()).toBe(0);

    // The personal token dialog asks the same way.
    await page.goto(`${base}/settings/tokens`);
    await page.getByRole('button', { name: 'Generate new token' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create access token' });
    await dialog.getByLabel('Access token description').fill('laptop');
    await dialog.getByRole('button', { name: 'Generate', exact: true }).click();
    const pat = page.getByRole('dialog', { name: 'Personal access token created' });
    await pat.getByRole('button', { name: 'Back to access tokens' }).click();
    await warning.getByText(question).waitFor();
    await warning.getByRole('button', { name: 'Go back' }).click();
    await copySecretAndClose(pat);
    expect(browser.problems).toEqual([]);
  });
});
