/**
 * The web console end to end, in headless Chromium against a real tokenhub listening on a loopback
 * port: sign-up, two-factor, personal access tokens (proved at /token), organization access tokens,
 * what a member sees, and device sign-in approval. The steps share one browser and run in order.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../src/core/totp.ts';
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

const owner = { username: 'alice', password: 'correct horse battery staple' };
const member = { username: 'bobby', password: 'another long password' };
const service = 'tokenhub-registry';
// Generous: CI runs this file next to the other suites on two cores.
const stepTimeout = 90_000;

let t: TestApp;
let base: string;
let browser: Browser;
let page: Page;
let totpSecret = '';
let firstSecret = '';

/** The next TOTP code: the clock moves one step first, since a code is never accepted twice. */
function nextCode(): string {
  t.clock.advanceSeconds(30);
  return totpCode(totpSecret, t.clock.now());
}

/** `GET /token` with Basic credentials, as `docker login` and a pull or push ask. */
async function registryToken(username: string, secret: string, scope?: string) {
  const query = new URLSearchParams({ service, account: username, ...(scope ? { scope } : {}) });
  const res = await fetch(`${base}/token?${query}`, {
    headers: { authorization: `Basic ${Buffer.from(`${username}:${secret}`).toString('base64')}` },
  });
  const body = (await res.json()) as { token?: string };
  const claims = body.token
    ? (JSON.parse(Buffer.from(body.token.split('.')[1] ?? '', 'base64url').toString()) as {
        access: { name: string; actions: string[] }[];
      })
    : undefined;
  return { status: res.status, access: claims?.access ?? [] };
}

async function signIn(user: { username: string; password: string }, code?: () => string) {
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (code) {
    await page.getByRole('heading', { name: 'Two-factor authentication' }).waitFor();
    await page.getByLabel('Authentication code').fill(code());
    await page.getByRole('button', { name: 'Verify' }).click();
  }
}

async function signOut() {
  await page.getByRole('button', { name: /Account menu/ }).click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
}

async function generatePat(label: string, level: string, expiry: { choice: string; date?: string }) {
  await page.getByRole('button', { name: 'Generate new token' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create access token' });
  await dialog.getByLabel('Access token description').fill(label);
  await dialog.getByLabel('Expiration date').selectOption({ label: expiry.choice });
  if (expiry.date) await dialog.getByLabel('Expires on').fill(expiry.date);
  await dialog.getByRole('radio', { name: level, exact: true }).check();
  await dialog.getByRole('button', { name: 'Generate' }).click();
  const created = page.getByRole('dialog', { name: 'Personal access token created' });
  await created.waitFor();
  return created;
}

const row = (name: string) => page.getByTestId('pat-row').filter({ hasText: name });

/** `expect.poll` with a browser's patience (its default is one second). */
const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 20_000, interval: 100 });

describe.skipIf(!requireChromium())('web console in Chromium', () => {
  beforeAll(async () => {
    await ensureConsoleBuilt();
    // The manual clock starts at the real time, so the browser's dates and the server's agree.
    t = await createTestApp({ start: new Date().toISOString() });
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchBrowser();
    page = browser.page;
  }, 120_000);

  afterEach(async ({ task }) => screenshotIfFailed(page, task));

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('signs up and lands on the empty token list', { timeout: stepTimeout }, async () => {
    await page.goto(`${base}/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByLabel('Username').fill(owner.username);
    await page.getByLabel('Email').fill(`${owner.username}@example.com`);
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    // The API's own words, once, beside the field: never "Error 400", never also in a banner.
    await poll(() => page.locator('#signup-password-hint').textContent()).toMatch(
      /^The password must be at least 8/,
    );
    expect(await page.getByRole('alert').count()).toBe(0);
    await page.getByLabel('Password').fill(owner.password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Personal access tokens' }).waitFor();
    await page.getByText('No access tokens yet').waitFor();
  });

  it('enables two-factor with a local QR code and shows the recovery codes once', {
    timeout: stepTimeout,
  }, async () => {
    await page.getByRole('link', { name: 'Security' }).click();
    await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
    const qr = page.getByRole('img', { name: /QR code/ });
    await qr.waitFor();
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
    totpSecret = ((await page.getByTestId('totp-secret').textContent()) ?? '').replaceAll(' ', '');
    expect(totpSecret).toMatch(/^[A-Z2-7]{32}$/);
    await page.getByLabel('Enter the 6-digit code the app shows').fill(totpCode(totpSecret, t.clock.now()));
    await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
    await poll(() => page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem').count()).toBe(
      10,
    );
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await page.getByText('10 recovery codes left.').waitFor();
  });

  it('signs out, then signs in with the second step', { timeout: stepTimeout }, async () => {
    await signOut();
    await page.getByText('You have signed out.').waitFor();
    await signIn(owner, () => '000000');
    await poll(() => page.getByRole('alert').textContent()).not.toMatch(/^Error \d+/);
    await page.getByLabel('Authentication code').fill(nextCode());
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { name: 'Personal access tokens' }).waitFor();
  });

  it('generates a PAT, shows the secret once, and the secret works at /token', {
    timeout: stepTimeout,
  }, async () => {
    const created = await generatePat('ci pipeline', 'Read & Write', { choice: '30 days' });
    firstSecret = await created.getByTestId('token-secret').inputValue();
    expect(firstSecret).toMatch(/^thub_pat_[0-9A-Za-z]{38,}$/);
    await poll(() => created.getByTestId('docker-login-command').textContent()).toBe(
      'docker login REGISTRY-HOST -u alice',
    );
    await created.getByText('will not be shown again').waitFor();
    await screenshot(page, 'console-generate-secret');

    const pushPull = await registryToken(owner.username, firstSecret, 'repository:alice/app:pull,push');
    expect(pushPull.status).toBe(200);
    expect(pushPull.access).toEqual([{ type: 'repository', name: 'alice/app', actions: ['pull', 'push'] }]);

    await copySecretAndClose(created);
    await poll(() => page.getByTestId('token-secret').count()).toBe(0);
    expect(await page.content()).not.toContain(firstSecret);
    await poll(() => row('ci pipeline').textContent()).toMatch(/Read & Write.*Manual.*Active/);
  });

  it('renames a token and deactivates it, after which /token refuses it', {
    timeout: stepTimeout,
  }, async () => {
    await page.getByRole('button', { name: 'Edit ci pipeline' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit ci pipeline' });
    await dialog.getByText('cannot be changed').waitFor();
    await dialog.getByLabel('Access token description').fill('ci renamed');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await row('ci renamed').waitFor();

    await page.getByRole('button', { name: 'Deactivate ci renamed' }).click();
    await poll(() => row('ci renamed').textContent()).toContain('Inactive');
    await poll(() => page.getByTestId('token-counts').textContent()).toBe('0 active · 1 inactive');
    expect((await registryToken(owner.username, firstSecret)).status).toBe(401);
  });

  it('sorts, and deletes several tokens at once', { timeout: stepTimeout }, async () => {
    const inTenDays = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    await copySecretAndClose(
      await generatePat('laptop', 'Read-only', { choice: 'Custom date', date: inTenDays }),
    );
    await copySecretAndClose(
      await generatePat('old script', 'Public Repo Read-only', { choice: 'No expiration' }),
    );
    await poll(() => page.getByTestId('pat-row').count()).toBe(3);
    await page.getByRole('button', { name: 'Description' }).click();
    await poll(() => page.locator('[data-testid="pat-row"] .token-name').allTextContents()).toEqual([
      'ci renamed',
      'laptop',
      'old script',
    ]);
    await page.getByRole('button', { name: 'Description' }).click();
    await poll(() => page.locator('[data-testid="pat-row"] .token-name').allTextContents()).toEqual([
      'old script',
      'laptop',
      'ci renamed',
    ]);
    await page.mouse.move(0, 0);
    await screenshot(page, 'console-token-list');

    await page.getByRole('checkbox', { name: 'Select laptop' }).check();
    await page.getByRole('checkbox', { name: 'Select old script' }).check();
    await page.getByRole('button', { name: 'Delete selected (2)' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete 2 access tokens?' });
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await poll(() => page.getByTestId('pat-row').count()).toBe(1);
    await row('ci renamed').waitFor();
  });

  it('lets an organization owner create an OAT with two repositories', { timeout: stepTimeout }, async () => {
    const challenge = await t.inject({ method: 'POST', url: '/v2/users/login', body: owner });
    const login = await t.inject({
      method: 'POST',
      url: '/v2/users/2fa-login',
      body: { login_2fa_token: challenge.json().login_2fa_token, code: nextCode() },
    });
    const jwt = login.json().token as string;
    expect(
      (await t.inject({ method: 'POST', url: '/v2/orgs', jwt, body: { name: 'acme' } })).statusCode,
    ).toBe(201);
    await setOrgTier(t, 'acme', 'team');
    // Two repositories, made the way most are: the first push grant records them.
    const pusher = await t.createPat(jwt, { token_label: 'seed', scopes: ['repo:write'] });
    for (const name of ['api', 'web']) {
      const grant = await registryToken(owner.username, pusher.token, `repository:acme/${name}:push`);
      expect(grant.access).toEqual([{ type: 'repository', name: `acme/${name}`, actions: ['push'] }]);
    }
    await t.signUp(member.username, member.password);
    const invite = await t.inject({
      method: 'POST',
      url: '/v2/orgs/acme/invites',
      jwt,
      body: { invitee: member.username },
    });
    expect(invite.statusCode).toBe(201);

    await page.getByRole('link', { name: 'Organizations' }).click();
    await poll(() => page.getByTestId('org-membership').textContent()).toBe('acmeOwner · Team');
    await page.getByRole('link', { name: 'acme', exact: true }).click();
    await page.getByRole('link', { name: /Access tokens/ }).click();
    await poll(() => page.getByTestId('tier-usage').textContent()).toBe('0 of 10 tokens');
    await page.getByText('No organization access tokens yet').waitFor();

    await page.getByRole('button', { name: 'Generate new token' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create organization access token' });
    await dialog.getByLabel('Label').fill('deploy');
    await dialog.getByLabel('Description (optional)').fill('release pipeline');
    await dialog.getByLabel('Repository to add').fill('acme/api');
    await dialog.getByRole('button', { name: 'Add repository' }).click();
    await dialog.getByLabel('Permission on acme/api').selectOption('push');
    await dialog.getByLabel('Repository to add').fill('web');
    await dialog.getByRole('button', { name: 'Add repository' }).click();
    await dialog.getByLabel('Permission on acme/web').waitFor();
    await dialog.getByLabel('Read public repositories').check();
    await dialog.getByLabel('Members').selectOption('read');
    await page.setViewportSize({ width: 1200, height: 1000 });
    await screenshot(page, 'console-org-generate');
    await page.setViewportSize({ width: 1200, height: 760 });
    await dialog.getByRole('button', { name: 'Generate' }).click();
    const created = page.getByRole('dialog', { name: 'Organization access token created' });
    const secret = await created.getByTestId('token-secret').inputValue();
    expect(secret).toMatch(/^thub_oat_/);
    await poll(() => created.getByTestId('docker-login-command').textContent()).toBe(
      'docker login REGISTRY-HOST -u acme',
    );

    const api = await registryToken('acme', secret, 'repository:acme/api:pull,push');
    expect(api.access).toEqual([{ type: 'repository', name: 'acme/api', actions: ['pull', 'push'] }]);
    const web = await registryToken('acme', secret, 'repository:acme/web:pull,push');
    expect(web.access).toEqual([{ type: 'repository', name: 'acme/web', actions: ['pull'] }]);

    await copySecretAndClose(created);
    await poll(() => page.getByTestId('oat-row').textContent()).toMatch(
      /deploy.*release pipeline.*alice.*Active/,
    );
    await poll(() => page.getByTestId('tier-usage').textContent()).toBe('1 of 10 tokens');
    await page.getByText('4 permissions').click();
    await page.mouse.move(0, 0);
    await screenshot(page, 'console-org-tokens');

    await page.getByRole('button', { name: 'Deactivate deploy' }).click();
    await page
      .getByRole('dialog', { name: 'Deactivate deploy?' })
      .getByRole('button', { name: 'Deactivate' })
      .click();
    await poll(() => page.getByTestId('oat-row').textContent()).toContain('Inactive');
    expect(await page.getByRole('button', { name: 'Edit deploy' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Delete deploy' }).count()).toBe(1);
  });

  it('shows a member no access-token page for the organization', { timeout: stepTimeout }, async () => {
    await signOut();
    await signIn(member);
    await page.getByRole('heading', { name: 'Personal access tokens' }).waitFor();
    await page.getByRole('link', { name: 'Organizations' }).click();
    await page.getByText('acme', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Accept' }).click();
    await page.getByText('You are a member of acme').waitFor();
    expect(await page.getByRole('link', { name: /Access tokens/ }).count()).toBe(0);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Organizations' }).click();
    await poll(() => page.getByTestId('org-membership').textContent()).toBe('acmeMember · Team');
    await page.goto(`${base}/orgs/acme/tokens`);
    await page.getByText('Only owners of acme can see and manage its access tokens.').waitFor();
    expect(await page.getByRole('table').count()).toBe(0);
  });

  it('approves a device sign-in, signing in first when needed', { timeout: stepTimeout }, async () => {
    await signOut();
    const started = await fetch(`${base}/oauth/device/code`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: 'tokenhub-cli', client_name: 'tokenhub CLI on build box' }),
    });
    expect(started.status).toBe(200);
    const device = (await started.json()) as { device_code: string; user_code: string };

    await page.goto(`${base}/device?user_code=${encodeURIComponent(device.user_code.toLowerCase())}`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await signIn(member);
    await page.getByRole('heading', { name: 'Device sign-in' }).waitFor();
    await page.getByText('tokenhub CLI on build box asks to sign in as bobby').waitFor();
    await poll(() => page.getByTestId('device-user-code').textContent()).toBe(device.user_code);
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByText('Device approved').waitFor();

    const collected = await fetch(`${base}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
        device_code: device.device_code,
        client_id: 'tokenhub-cli',
      }),
    });
    expect(collected.status).toBe(200);
    expect(((await collected.json()) as { access_token: string }).access_token).toMatch(/^thub_pat_/);

    await page.getByRole('link', { name: 'Account settings' }).click();
    await poll(() => row('tokenhub CLI on build box').textContent()).toContain('Auto-generated');
  });

  it('shows the activity log', { timeout: stepTimeout }, async () => {
    await page.getByRole('link', { name: 'Activity', exact: true }).click();
    await page.getByRole('heading', { name: 'Activity' }).waitFor();
    await poll(() => page.getByRole('row').count()).toBeGreaterThan(2);
    expect(await page.getByRole('alert').count()).toBe(0);
  });

  it('fits a phone screen, and raised no script or CSP errors', { timeout: stepTimeout }, async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('link', { name: 'Account settings' }).click();
    await page.getByRole('heading', { name: 'Personal access tokens' }).waitFor();
    const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'console-phone');
    expect(browser.problems).toEqual([]);
  });
});
