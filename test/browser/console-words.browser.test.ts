/**
 * What the console says, in headless Chromium against a real tokenhub behind a small reverse proxy
 * (as an operator would run it): the Activity page words a rename and a deactivation with their
 * values, the sign-in page says what a device-approval link is about, and while the API behind the
 * proxy answers 503 the console shows a friendly page and goes on by itself once it is back.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app-harness.ts';
import {
  type Browser,
  ensureConsoleBuilt,
  launchBrowser,
  requireChromium,
  screenshot,
} from './browser-support.ts';

const stepTimeout = 90_000;

let t: TestApp;
let base: string;
let proxy: Server;
let browser: Browser;
let page: Page;
let password: string;
/** While set, the proxy answers every API call (`/v2/…`) itself with this bare 503 page. */
let apiDown: { retryAfter?: string } | undefined;
let refusedWhileDown = 0;

const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 20_000, interval: 100 });

/** Forwards to tokenhub, or answers `/v2/…` with a proxy's HTML 503 while `apiDown` is set. */
function startProxy(target: number): Promise<Server> {
  const server = createServer((incoming, outgoing) => {
    if (apiDown && incoming.url?.startsWith('/v2/')) {
      refusedWhileDown += 1;
      outgoing.writeHead(503, {
        'content-type': 'text/html',
        ...(apiDown.retryAfter ? { 'retry-after': apiDown.retryAfter } : {}),
      });
      outgoing.end('<html><body><h1>503 Service Unavailable</h1>No server is available.</body></html>');
      return;
    }
    const forwarded = request(
      {
        host: '127.0.0.1',
        port: target,
        path: incoming.url,
        method: incoming.method,
        headers: incoming.headers,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forwarded.on('error', () => outgoing.destroy());
    incoming.pipe(forwarded);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function signIn(username: string) {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe.skipIf(!requireChromium())('console words in Chromium', () => {
  beforeAll(async () => {
    await ensureConsoleBuilt();
    t = await createTestApp({ start: new Date().toISOString() });
    password = await t.signUp('carol');
    await t.signUp('dylan');
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    proxy = await startProxy((t.app.server.address() as AddressInfo).port);
    base = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    browser = await launchBrowser();
    page = browser.page;
  }, 120_000);

  afterEach(async ({ task }) => {
    apiDown = undefined;
    if (task.result?.state === 'fail') {
      await screenshot(page, `failure-words-${task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 50)}`, {
        forDocs: false,
      });
    }
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => proxy?.close(resolve));
    await t?.close();
  });

  it('Activity says a rename with both names, and a deactivation', { timeout: stepTimeout }, async () => {
    await t.createPat(await t.login('carol', password), { token_label: 'ci', scopes: ['repo:read'] });
    await page.goto(`${base}/settings/tokens`);
    await signIn('carol');
    await page.getByRole('button', { name: 'Edit ci' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit ci' });
    await dialog.getByLabel('Access token description').fill('ci-2');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('button', { name: 'Deactivate ci-2' }).click();
    await poll(() => page.getByTestId('pat-row').filter({ hasText: 'ci-2' }).textContent()).toContain(
      'Inactive',
    );

    await page.getByRole('link', { name: 'Activity', exact: true }).click();
    await page.getByRole('heading', { name: 'Activity' }).waitFor();
    await page.getByText('renamed from “ci” to “ci-2”').waitFor();
    await page.getByText('deactivated', { exact: true }).waitFor();
    expect(await page.getByText('changed the description').count()).toBe(0);
  });

  it('says on the sign-in page which device approval it leads to, then shows the decision', {
    timeout: stepTimeout,
  }, async () => {
    await page.getByRole('button', { name: /Account menu/ }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    const started = await fetch(`${base}/oauth/device/code`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      // As tokenhub login asks: the token, and a CLI session that manages tokens.
      body: new URLSearchParams({
        client_id: 'tokenhub-cli',
        client_name: 'tokenhub CLI on build box',
        scope: 'session',
      }),
    });
    const device = (await started.json()) as { user_code: string };

    await page.goto(`${base}/device?user_code=${encodeURIComponent(device.user_code)}`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    const notice = await page.getByTestId('device-notice').textContent();
    expect(notice).toContain(`Sign in to approve a device sign-in (code ${device.user_code})`);
    expect(notice).toContain('nothing is approved by signing in');
    await signIn('dylan');
    await page.getByRole('heading', { name: 'Device sign-in' }).waitFor();
    await poll(() => page.getByTestId('device-user-code').textContent()).toBe(device.user_code);
    const card = (await page.locator('.card').textContent()) ?? '';
    expect(card).toContain('tokenhub CLI on build box asks to sign in as dylan');
    expect(card).toContain('Read, Write, Delete');
    expect(card).toContain(
      'auto-generated personal access token, “tokenhub CLI on build box (device sign-in)”',
    );
    expect(card).toContain('valid for 30 days');
    expect(card).toContain('It also keeps a sign-in that manages your access tokens');
    expect(await page.getByTestId('device-session').isVisible()).toBe(true);
    expect(await page.getByTestId('device-notice').count()).toBe(0);
  });

  it('shows a friendly page while the API is unavailable, and goes on by itself when it is back', {
    timeout: stepTimeout,
  }, async () => {
    apiDown = {};
    refusedWhileDown = 0;
    await page.goto(`${base}/settings/tokens`);
    await page.getByRole('heading', { name: 'tokenhub is restarting or briefly unavailable' }).waitFor();
    expect(await page.getByText('Service Unavailable').count()).toBe(0);
    await page.getByText('Last answer: HTTP 503.').waitFor();
    await screenshot(page, 'console-unavailable');
    // It asks again by itself (every 3 s), and once answered goes on to the page asked for.
    await poll(() => Promise.resolve(refusedWhileDown)).toBeGreaterThan(1);
    apiDown = undefined;
    await page.getByRole('heading', { name: 'Personal access tokens' }).waitFor({ timeout: 10_000 });
    expect(new URL(page.url()).pathname).toBe('/settings/tokens');

    // A long Retry-After is honoured (no retry meanwhile); "Try again now" does not wait for it.
    apiDown = { retryAfter: '25' };
    await page.reload();
    await page.getByText('Trying again by itself every 25 seconds').waitFor();
    apiDown = undefined;
    await page.getByRole('button', { name: 'Try again now' }).click();
    await page.getByRole('heading', { name: 'Personal access tokens' }).waitFor({ timeout: 5_000 });
    expect(browser.problems.filter((problem) => !problem.includes('503'))).toEqual([]);
  });
});
