/**
 * The mail pieces of the console in headless Chromium, against a real tokenhub on a loopback port
 * that mails a real SMTP server: the verification link's page, "Forgot password?" → mail → the
 * reset page → sign-in with the verified address and the new password, the Email card; and no
 * "Forgot password?" on an instance without mail.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app-harness.ts';
import { type SmtpReceiver, startSmtpReceiver } from '../support/smtp-receiver.ts';
import {
  type Browser,
  ensureConsoleBuilt,
  launchBrowser,
  requireChromium,
  screenshot,
  screenshotIfFailed,
} from './browser-support.ts';

const stepTimeout = 90_000;
let smtp: SmtpReceiver;
let t: TestApp;
let plain: TestApp;
let base: string;
let plainBase: string;
let browser: Browser;
let page: Page;

function listen(app: TestApp): Promise<string> {
  return app.app.listen({ host: '127.0.0.1', port: 0 });
}

/** A mailed link, pointed at the listening server instead of the configured public URL. */
const local = (link: string) => link.replace('http://tokenhub.test', base);

describe.skipIf(!requireChromium())('mail in the web console', () => {
  beforeAll(async () => {
    await ensureConsoleBuilt();
    smtp = await startSmtpReceiver();
    t = await createTestApp({ start: new Date().toISOString(), env: smtp.env });
    plain = await createTestApp({ start: new Date().toISOString() });
    base = await listen(t);
    plainBase = await listen(plain);
    browser = await launchBrowser();
    page = browser.page;
  }, 120_000);

  afterEach(async ({ task }) => screenshotIfFailed(page, task));

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await plain?.close();
    await smtp?.close();
  });

  it('verifies an address from the mailed link', { timeout: stepTimeout }, async () => {
    await t.signUp('mailuser');
    const link = smtp.linkIn(await smtp.waitFor('mailuser@example.com'));
    await page.goto(local(link));
    await page.getByRole('button', { name: 'Verify my address' }).click();
    await page.getByRole('heading', { name: 'Email address verified' }).waitFor();
    await page.goto(local(link));
    await page.getByRole('heading', { name: 'This link does not work' }).waitFor();
  });

  it('resets a forgotten password and signs in with the verified address', {
    timeout: stepTimeout,
  }, async () => {
    await page.goto(`${base}/signin`);
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await page.getByLabel('Your verified email address').fill('mailuser@example.com');
    await page.getByRole('button', { name: 'Send me a link' }).click();
    await page.getByText('a link to reset its password is on its way').waitFor();
    const mail = await smtp.waitFor(
      'mailuser@example.com',
      (m) => m.subject === 'Reset your tokenhub password',
    );
    await page.goto(local(smtp.linkIn(mail)));
    await page.getByLabel('New password').fill('a new console password');
    await page.getByLabel('Repeat it').fill('a new console password');
    await page.getByRole('button', { name: 'Set the new password' }).click();
    await page.getByRole('heading', { name: 'Password changed' }).waitFor();
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.getByLabel('Username or verified email').fill('mailuser@example.com');
    await page.getByLabel('Password').fill('a new console password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Personal access tokens' }).waitFor();
  });

  it('shows the address as verified and turns expiry notices off', { timeout: stepTimeout }, async () => {
    await page.goto(`${base}/settings/security`);
    const card = page.getByRole('region', { name: 'Email' });
    await card.getByText('Verified', { exact: true }).waitFor();
    await card.getByLabel(/Mail me before my access tokens/).uncheck();
    await card.getByText('Expiry notices are off.').waitFor();
    const jwt = await t.login('mailuser', 'a new console password');
    const state = await t.inject({ method: 'GET', url: '/v2/users/me/email', jwt });
    expect(state.json()).toMatchObject({ email_verified: true, expiry_notices: false });
    await screenshot(page, 'console-email-settings');
    expect(browser.problems).toEqual([]);
  });

  it('offers no "Forgot password?" without mail', { timeout: stepTimeout }, async () => {
    await page.context().clearCookies();
    await page.goto(`${plainBase}/signin`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.getByRole('link', { name: 'Forgot password?' }).count()).toBe(0);
  });
});
