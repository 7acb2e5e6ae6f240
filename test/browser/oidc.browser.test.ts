/**
 * The OIDC connection pages in headless Chromium against a listening tokenhub and the tests'
 * OpenID provider: an organization owner creates a connection with the ruleset editor (its
 * preview shows which sample subjects a pattern matches), a job's token is exchanged with it, a
 * refused one shows in the edit page's failure table with its reason, and the list deactivates
 * and deletes. The personal pages are reached from Account settings.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app-harness.ts';
import { githubClaims } from '../support/ci-claims.ts';
import { type OidcIssuer, oidcTestEnv, startOidcIssuer } from '../support/oidc-issuer.ts';
import { setOrgTier, setUpOrg } from '../support/org-fixtures.ts';
import {
  type Browser,
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
let issuer: OidcIssuer;
let base: string;
let browser: Browser;
let page: Page;
let connectionUrl = '';

describe.skipIf(!requireChromium())('OIDC connection pages in Chromium', () => {
  beforeAll(async () => {
    await ensureConsoleBuilt();
    [t, issuer] = await Promise.all([
      createTestApp({ start: new Date().toISOString(), env: oidcTestEnv }),
      startOidcIssuer(),
    ]);
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
    await issuer?.stop();
    await t?.close();
  });

  it('creates a connection with the ruleset editor and its preview', { timeout: stepTimeout }, async () => {
    await page.goto(`${base}/signin`);
    await page.getByLabel('Username').fill(owner.username);
    await page.getByLabel('Password').fill(owner.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Personal access tokens' }).waitFor();
    await page.goto(`${base}/orgs/acme`);
    await page.getByRole('link', { name: /OIDC connections/ }).click();
    await page.getByText('No OIDC connections yet').waitFor();
    await page.getByRole('link', { name: 'New connection' }).click();
    await page.getByRole('heading', { name: 'New OIDC connection' }).waitFor();

    await page.getByLabel('Label', { exact: true }).fill('GitHub Actions');
    await page.getByRole('button', { name: 'GitLab.com' }).click();
    expect(await page.getByLabel('Issuer').inputValue()).toBe('https://gitlab.com');
    await page.getByLabel('Issuer').fill(issuer.url);
    const ruleset = page.getByTestId('ruleset').first();
    await ruleset.getByLabel('Subject (sub) pattern').fill('repo:acme/api:ref:refs/heads/*');
    // The preview marks each sample subject.
    await poll(() => ruleset.getByTestId('preview-row').allTextContents()).toEqual([
      '✓ matches: repo:acme/api:ref:refs/heads/main',
      '✓ matches: repo:acme/api:ref:refs/heads/feature-x',
      '✗ does not match: repo:acme/api:ref:refs/tags/v1.2.0',
      '✗ does not match: repo:acme/api:pull_request',
      '✗ does not match: repo:acme/api:environment:production',
      '✗ does not match: repo:acme/web:ref:refs/heads/main',
      '✗ does not match: repo:someone-else/api:ref:refs/heads/main',
      '✗ does not match: project_path:acme/api:ref_type:branch:ref:main',
    ]);
    await ruleset
      .getByLabel('Sample subjects (one per line)')
      .fill('repo:acme/api:ref:refs/heads/release/1.0');
    await poll(() => ruleset.getByTestId('preview-row').allTextContents()).toEqual([
      '✓ matches: repo:acme/api:ref:refs/heads/release/1.0',
    ]);
    await ruleset.getByLabel('Repository 1 of Ruleset 1', { exact: true }).fill('api');
    await ruleset.getByLabel('Access to repository 1 of Ruleset 1').selectOption('push');
    await page.getByRole('button', { name: 'Add a ruleset' }).click();
    const second = page.getByTestId('ruleset').nth(1);
    await second.getByLabel('Label (optional)').fill('everyone pulls web');
    await second.getByLabel('Subject (sub) pattern').fill('repo:acme/*');
    await second.getByLabel('Repository 1 of everyone pulls web', { exact: true }).fill('web');
    await second.getByLabel('Access to repository 1 of everyone pulls web').selectOption('pull');
    await page.setViewportSize({ width: 1200, height: 1400 });
    await screenshot(page, 'console-oidc-editor');
    await page.setViewportSize({ width: 1200, height: 760 });
    await page.getByRole('button', { name: 'Create connection' }).click();
    await page.getByRole('heading', { name: 'GitHub Actions' }).waitFor();
    connectionUrl = new URL(page.url()).pathname;
    expect(connectionUrl).toMatch(/^\/orgs\/acme\/oidc\/[0-9a-f-]{36}$/);
    await page.getByText('No refused identity tokens.').waitFor();
  });

  it('a job exchanges its token; a refused one shows in the failure table', {
    timeout: stepTimeout,
  }, async () => {
    const id = connectionUrl.split('/').pop() ?? '';
    const exchange = async (claims: Record<string, unknown>) =>
      t.inject({
        method: 'POST',
        url: '/v2/oidc/token',
        body: { connection_id: id, id_token: await issuer.idToken(claims, { audience: t.config.publicUrl }) },
      });
    t.clock.set(new Date());
    const ok = await exchange(githubClaims({ repository: 'acme/api' }));
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().resources).toEqual([
      { type: 'TYPE_REPO', path: 'acme/api', scopes: ['scope-image-push'] },
      { type: 'TYPE_REPO', path: 'acme/web', scopes: ['scope-image-pull'] },
    ]);
    expect((await exchange(githubClaims({ repository: 'someone-else/api' }))).statusCode).toBe(401);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await poll(() => page.getByTestId('failure-row').first().textContent()).toContain(
      'no ruleset matched sub `repo:someone-else/api:ref:refs/heads/main`',
    );
    await page
      .getByRole('heading', { name: 'Sign a job in' })
      .evaluate((heading) => heading.scrollIntoView());
    await page.mouse.move(0, 0);
    await screenshot(page, 'console-oidc-failures');
  });

  it('deactivates, activates and deletes from the list', { timeout: stepTimeout }, async () => {
    await page.getByRole('link', { name: 'OIDC connections' }).click();
    await poll(() => page.getByTestId('oidc-row').textContent()).toMatch(/GitHub Actions.*Active/);
    await page.getByRole('button', { name: 'Deactivate GitHub Actions' }).click();
    await page
      .getByRole('dialog', { name: 'Deactivate GitHub Actions?' })
      .getByRole('button', { name: 'Deactivate' })
      .click();
    await poll(() => page.getByTestId('oidc-row').textContent()).toContain('Inactive');
    await page.getByRole('button', { name: 'Activate GitHub Actions' }).click();
    await poll(() => page.getByTestId('oidc-row').textContent()).toMatch(/Active/);
    await page.getByRole('button', { name: 'Delete GitHub Actions' }).click();
    await page
      .getByRole('dialog', { name: 'Delete GitHub Actions?' })
      .getByRole('button', { name: 'Delete' })
      .click();
    await page.getByText('No OIDC connections yet').waitFor();
  });

  it('reaches the personal connections from Account settings, with delete offered', {
    timeout: stepTimeout,
  }, async () => {
    await page.getByRole('link', { name: 'Account settings' }).click();
    await page
      .getByRole('navigation', { name: 'Account settings' })
      .getByRole('link', { name: 'OIDC connections' })
      .click();
    await page.getByRole('link', { name: 'New connection' }).click();
    const access = page.getByTestId('ruleset').first().getByLabel('Access to repository 1 of Ruleset 1');
    expect(await access.locator('option').allTextContents()).toEqual([
      'pull',
      'pull and push',
      'pull and delete',
    ]);
    expect(browser.problems).toEqual([]);
  });
});
