/**
 * The Security page in headless Chromium against a real tokenhub on a loopback port: a wrong
 * password or code is shown beside its field and never signs the user out (only an ended session
 * does), and a two-factor setup keeps its secret across sign-ins until it is confirmed or cancelled.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../src/core/totp.ts';
import { createTestApp, type TestApp } from '../support/app-harness.ts';
import {
  type Browser,
  copySecretAndClose,
  ensureConsoleBuilt,
  launchBrowser,
  requireChromium,
  screenshot,
  screenshotIfFailed,
} from './browser-support.ts';

const user = { username: 'carol', password: 'a long enough password' };
const stepTimeout = 90_000;

let t: TestApp;
let base: string;
let browser: Browser;
let page: Page;
let secret = '';
const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 20_000, interval: 100 });

async function signIn(code?: () => string) {
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (code) {
    await page.getByLabel('Authentication code').fill(code());
    await page.getByRole('button', { name: 'Verify' }).click();
  }
  await page.getByRole('heading', { name: 'Personal access tokens' }).waitFor();
}

async function signOut() {
  await page.getByRole('button', { name: /Account menu/ }).click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
}

/** The message shown under a field (its aria-describedby), or '' when there is none. */
async function fieldMessage(label: string): Promise<string> {
  const id = await page.getByLabel(label, { exact: true }).getAttribute('aria-describedby');
  return id ? ((await page.locator(`#${id}`).textContent()) ?? '') : '';
}

async function stillOnSecurityPage() {
  expect(await page.getByRole('heading', { name: 'Security', exact: true }).isVisible()).toBe(true);
  expect(await page.getByRole('heading', { name: 'Sign in' }).count()).toBe(0);
}

describe.skipIf(!requireChromium())('Security page in Chromium', () => {
  beforeAll(async () => {
    await ensureConsoleBuilt();
    t = await createTestApp({
      start: new Date().toISOString(),
      env: { TOKENHUB_REGISTRY_URL: 'http://127.0.0.1:5123' },
    });
    await t.signUp(user.username, user.password);
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchBrowser();
    page = browser.page;
    await page.goto(`${base}/`);
    await signIn();
    await page.goto(`${base}/settings/security`);
    await page.getByRole('heading', { name: 'Security', exact: true }).waitFor();
  }, 120_000);

  afterEach(async ({ task }) => screenshotIfFailed(page, task));

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('a wrong current password is shown beside the field and keeps the session and the input', {
    timeout: stepTimeout,
  }, async () => {
    await page.getByLabel('Current password').fill('not my password');
    await page.getByLabel('New password', { exact: true }).fill('a brand new password');
    await page.getByLabel('Repeat the new password').fill('a brand new password');
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect
      .poll(() => fieldMessage('Current password'), { timeout: 20_000 })
      .toBe('The current password is incorrect.');
    await stillOnSecurityPage();
    expect(await page.getByLabel('New password', { exact: true }).inputValue()).toBe('a brand new password');
    expect(await page.getByLabel('Current password').getAttribute('aria-invalid')).toBe('true');
  });

  it('a wrong 2FA code is shown beside the field; the pending key survives signing out and in', {
    timeout: stepTimeout,
  }, async () => {
    await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
    const key = page.getByTestId('totp-secret');
    await key.waitFor();
    const shown = (await key.textContent()) ?? '';
    // Grouped in fours for typing; the same key without the spaces.
    expect(shown).toMatch(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
    secret = shown.replaceAll(' ', '');
    await page.getByLabel('Enter the 6-digit code the app shows').fill('000000');
    await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
    await expect
      .poll(() => fieldMessage('Enter the 6-digit code the app shows'), { timeout: 20_000 })
      .toMatch(/^The code is incorrect/);
    await stillOnSecurityPage();
    await screenshot(page, 'console-security-wrong-code');

    await signOut();
    await signIn();
    await page.getByRole('link', { name: 'Account settings' }).click();
    await page.getByRole('link', { name: 'Security' }).click();
    await key.waitFor();
    expect(((await key.textContent()) ?? '').replaceAll(' ', '')).toBe(secret);
    await page.getByLabel('Enter the 6-digit code the app shows').fill(totpCode(secret, t.clock.now()));
    await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await page.getByText('10 recovery codes left.').waitFor();
  });

  it('turning 2FA off with a wrong password or code names the field and keeps the session', {
    timeout: stepTimeout,
  }, async () => {
    await page.getByRole('button', { name: 'Turn off…' }).click();
    await page.getByLabel('Password', { exact: true }).fill('not my password');
    await page.getByLabel('Authentication or recovery code').fill('123456');
    await page.getByRole('button', { name: 'Turn off two-factor authentication' }).click();
    await expect.poll(() => fieldMessage('Password'), { timeout: 20_000 }).toBe('The password is incorrect.');
    await stillOnSecurityPage();
    await page.getByLabel('Password', { exact: true }).fill(user.password);
    await page.getByRole('button', { name: 'Turn off two-factor authentication' }).click();
    await expect
      .poll(() => fieldMessage('Authentication or recovery code'), { timeout: 20_000 })
      .toMatch(/code is incorrect/);
    await stillOnSecurityPage();
  });

  it('lists the sessions and signs another one out; its JWT is refused afterwards', {
    timeout: stepTimeout,
  }, async () => {
    t.clock.advanceSeconds(30);
    const { login_2fa_token } = (
      await t.inject({ method: 'POST', url: '/v2/users/login', body: user })
    ).json();
    const elsewhere = (
      await t.inject({
        method: 'POST',
        url: '/v2/users/2fa-login',
        body: { login_2fa_token, code: totpCode(secret, t.clock.now()) },
      })
    ).json().token as string;
    await page.reload();
    const rows = page.getByTestId('session-row');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(2);
    await rows.filter({ hasText: 'This session' }).waitFor();
    await screenshot(page, 'console-security-sessions');
    await page.getByRole('button', { name: /^End session: API login/ }).click();
    await page
      .getByRole('dialog', { name: 'End this session?' })
      .getByRole('button', { name: 'End', exact: true })
      .click();
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(1);
    expect((await t.inject({ method: 'GET', url: '/v2/users/me', jwt: elsewhere })).statusCode).toBe(401);
    await stillOnSecurityPage();
  });

  it('signing out from the menu ends the cookie on the server', { timeout: stepTimeout }, async () => {
    const cookie = (await page.context().cookies()).find((c) => c.name === 'tokenhub_session')?.value ?? '';
    expect(cookie).not.toBe('');
    await page.getByRole('button', { name: /Account menu/ }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    const replay = await t.inject({
      method: 'GET',
      url: '/v2/console/session',
      headers: { cookie: `tokenhub_session=${cookie}` },
    });
    expect(replay.statusCode).toBe(401);
    t.clock.advanceSeconds(30);
    await signIn(() => totpCode(secret, t.clock.now()));
    await page.goto(`${base}/settings/security`);
    await page.getByRole('heading', { name: 'Security', exact: true }).waitFor();
  });

  it('a new token shows docker login with the registry host', { timeout: stepTimeout }, async () => {
    await page.goto(`${base}/settings/tokens`);
    await page.getByRole('button', { name: 'Generate new token' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create access token' });
    await dialog.getByLabel('Access token description').fill('laptop');
    await dialog.getByRole('button', { name: 'Generate' }).click();
    const created = page.getByRole('dialog', { name: 'Personal access token created' });
    await expect
      .poll(() => created.getByTestId('docker-login-command').textContent(), { timeout: 20_000 })
      .toBe('docker login 127.0.0.1:5123 -u carol');
    expect(await created.getByTestId('registry-host-needed').count()).toBe(0);
    await copySecretAndClose(created);

    // Two tokens, one selected: select-all is partly checked; "Delete selected" only with a selection.
    t.clock.advanceSeconds(30);
    const step = (await t.inject({ method: 'POST', url: '/v2/users/login', body: user })).json();
    const jwt = (
      await t.inject({
        method: 'POST',
        url: '/v2/users/2fa-login',
        body: { login_2fa_token: step.login_2fa_token, code: totpCode(secret, t.clock.now()) },
      })
    ).json().token as string;
    await t.createPat(jwt, { token_label: 'second' });

    await page.reload();
    const deleteSelected = page.getByRole('button', { name: /^Delete selected/ });
    await poll(() => page.getByTestId('pat-row').count()).toBeGreaterThanOrEqual(1);
    expect(await deleteSelected.isDisabled()).toBe(true);
    const rows = await page.getByTestId('pat-row').count();
    await page.getByTestId('pat-row').first().getByRole('checkbox').check();
    expect(await deleteSelected.isDisabled()).toBe(false);
    const all = page.getByRole('checkbox', { name: 'Select all tokens on this page' });
    expect(rows).toBe(2);
    expect(await all.evaluate((e) => (e as unknown as { indeterminate: boolean }).indeterminate)).toBe(true);
    await page.goto(`${base}/settings/security`);
    await page.getByRole('heading', { name: 'Security', exact: true }).waitFor();
  });

  it('an ended session still signs out', { timeout: stepTimeout }, async () => {
    await page.getByRole('button', { name: 'Turn off…' }).click();
    await page.getByLabel('Password', { exact: true }).fill(user.password);
    await page.context().clearCookies();
    await page.getByLabel('Authentication or recovery code').fill('654321');
    await page.getByRole('button', { name: 'Turn off two-factor authentication' }).click();
    await page.getByText('Your session has ended. Sign in again to continue.').waitFor();
    expect(browser.problems).toEqual([]);
  });
});
