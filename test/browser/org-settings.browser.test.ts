/**
 * The organization settings page and bulk invites in headless Chromium: an owner restricts images
 * and adds a custom registry, and after a reload the page and the API agree; a refused registry
 * address is said once, under its row; a member reads the settings with no way to save; several
 * invitees at once each get their outcome in words, and the pending list holds the one invited.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app-harness.ts';
import {
  type Browser,
  ensureConsoleBuilt,
  launchBrowser,
  requireChromium,
  screenshotIfFailed,
} from './browser-support.ts';

const owner = { username: 'alice', password: 'a long enough password' };
const stepTimeout = 90_000;

let t: TestApp;
let base: string;
let browser: Browser;
let page: Page;
let ownerJwt = '';
let bobbyPassword = '';

const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 20_000, interval: 100 });
const status = () => page.getByRole('status').filter({ hasText: /\S/ }).first().textContent();
const imageSection = () => page.getByRole('region', { name: 'Image Access Management' });
const registrySection = () => page.getByRole('region', { name: 'Registry Access Management' });

async function signIn(username: string, password: string, heading: string) {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: heading }).waitFor();
}

describe.skipIf(!requireChromium())('organization settings and bulk invites in Chromium', () => {
  beforeAll(async () => {
    await ensureConsoleBuilt();
    t = await createTestApp({ start: new Date().toISOString() });
    await t.signUp(owner.username, owner.password);
    bobbyPassword = await t.signUp('bobby');
    await t.signUp('carol');
    ownerJwt = await t.login(owner.username, owner.password);
    const created = await t.inject({
      method: 'POST',
      url: '/v2/orgs',
      jwt: ownerJwt,
      body: { name: 'acme' },
    });
    expect(created.statusCode).toBe(201);
    const invite = await t.inject({
      method: 'POST',
      url: '/v2/orgs/acme/invites',
      jwt: ownerJwt,
      body: { invitee: 'bobby' },
    });
    expect(invite.statusCode).toBe(201);
    const accepted = await t.inject({
      method: 'POST',
      url: `/v2/invites/${invite.json().id}/accept`,
      jwt: await t.login('bobby', bobbyPassword),
    });
    expect(accepted.statusCode).toBeLessThan(300);
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchBrowser();
    page = browser.page;
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${base}/orgs/acme`);
    await signIn(owner.username, owner.password, 'acme');
  }, 120_000);

  afterEach(async ({ task }) => screenshotIfFailed(page, task));

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('an owner restricts images and adds a custom registry; a reload and the API show them', {
    timeout: stepTimeout,
  }, async () => {
    await page.getByRole('link', { name: /Organization settings/ }).click();
    await page.getByRole('heading', { name: 'Organization settings' }).waitFor();
    await imageSection().getByLabel('Restrict the images members may pull').check();
    await imageSection()
      .getByLabel(/Allow Docker Verified Publisher images/)
      .uncheck();
    await imageSection().getByRole('button', { name: 'Save' }).click();
    await poll(() => imageSection().getByRole('status').textContent()).toBe('Image access settings saved.');

    await registrySection().getByLabel('Limit the registries Docker Desktop may reach').check();
    await registrySection().getByLabel('Registry address').fill('Registry.Example.com:5000');
    await registrySection().getByLabel('Friendly name').fill('Internal');
    await registrySection().getByRole('button', { name: 'Add registry' }).click();
    await registrySection().getByRole('button', { name: 'Save' }).click();
    await poll(() => registrySection().getByRole('status').textContent()).toBe(
      'Registry access settings saved.',
    );

    await page.reload();
    await page.getByRole('heading', { name: 'Organization settings' }).waitFor();
    await poll(() => imageSection().getByLabel('Restrict the images members may pull').isChecked()).toBe(
      true,
    );
    expect(
      await imageSection()
        .getByLabel(/Allow Docker Verified Publisher images/)
        .isChecked(),
    ).toBe(false);
    expect(
      await registrySection().getByLabel('Limit the registries Docker Desktop may reach').isChecked(),
    ).toBe(true);
    await poll(() => page.getByTestId('custom-registry-row').allTextContents()).toEqual([
      expect.stringContaining('registry.example.com:5000Internal'),
    ]);

    const images = await t.inject({ method: 'GET', url: '/v2/orgs/acme/settings', jwt: ownerJwt });
    expect(images.json()).toEqual({
      restricted_images: { enabled: true, allow_official_images: true, allow_verified_publishers: false },
    });
    const registries = await t.inject({
      method: 'GET',
      url: '/v2/orgs/acme/settings/registry-access-management',
      jwt: ownerJwt,
    });
    expect(registries.json()).toEqual({
      enabled: true,
      standard_registries: [{ id: 'DockerHub', allowed: true }],
      custom_registries: [{ address: 'registry.example.com:5000', friendly_name: 'Internal', allowed: true }],
    });
  });

  it('a refused registry address is said once, in words, under its row; a registry is denied', {
    timeout: stepTimeout,
  }, async () => {
    const long = `${'r'.repeat(250)}.example.com`;
    await registrySection().getByLabel('Registry address').fill(long);
    await registrySection().getByRole('button', { name: 'Add registry' }).click();
    await registrySection().getByRole('button', { name: 'Save' }).click();
    const message = 'The registry address must be at most 255 characters.';
    const row = page.getByTestId('custom-registry-row').filter({ hasText: long });
    await poll(() => row.locator('.field-error').textContent()).toBe(message);
    expect(await page.locator('.field-error').allTextContents()).toEqual([message]);
    expect(await page.getByRole('alert').count()).toBe(0);
    // Nothing was stored: the server still has the one registry.
    const registries = await t.inject({
      method: 'GET',
      url: '/v2/orgs/acme/settings/registry-access-management',
      jwt: ownerJwt,
    });
    expect(registries.json().custom_registries).toHaveLength(1);
    await row.getByRole('button', { name: /^Remove/ }).click();
    expect(await page.getByTestId('custom-registry-row').count()).toBe(1);

    // Denying the registry that is left saves, and the message goes.
    await registrySection().getByLabel('Allowed: registry.example.com:5000').uncheck();
    await registrySection().getByRole('button', { name: 'Save' }).click();
    await poll(() => registrySection().getByRole('status').textContent()).toBe(
      'Registry access settings saved.',
    );
    expect(await page.locator('.field-error').count()).toBe(0);
    const denied = await t.inject({
      method: 'GET',
      url: '/v2/orgs/acme/settings/registry-access-management',
      jwt: ownerJwt,
    });
    expect(denied.json().custom_registries).toEqual([
      { address: 'registry.example.com:5000', friendly_name: 'Internal', allowed: false },
    ]);
  });

  it('several invitees at once each get their outcome; the pending list has the invited one', {
    timeout: stepTimeout,
  }, async () => {
    await page.goto(`${base}/orgs/acme/people`);
    await page.getByRole('heading', { name: 'Members, groups and invites' }).waitFor();
    await page.getByLabel('Invite by username or email').fill('carol, nobody-here\nbobby');
    await page.getByRole('button', { name: 'Send invite' }).click();
    await poll(status).toBe('1 of 3 invites sent.');
    expect(await page.getByTestId('invite-outcome').allTextContents()).toEqual([
      'carol: invited as a member.',
      'nobody-here: refused, no account has this username and it is not an email address.',
      'bobby: already a member of acme, not invited.',
    ]);
    await poll(() => page.getByTestId('invite-row').allTextContents()).toEqual([
      expect.stringMatching(/^carol as member/),
    ]);
    const invites = await t.inject({ method: 'GET', url: '/v2/orgs/acme/invites', jwt: ownerJwt });
    expect(invites.json().data.map((i: { invitee: string }) => i.invitee)).toEqual(['carol']);
  });

  it('a member reads the settings, with who may change them and no Save', {
    timeout: stepTimeout,
  }, async () => {
    await page.getByRole('button', { name: /Account menu/ }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.goto(`${base}/orgs/acme`);
    await signIn('bobby', bobbyPassword, 'acme');
    await page.getByRole('link', { name: 'Organization settings' }).click();
    await page.getByRole('heading', { name: 'Organization settings' }).waitFor();
    const restrict = imageSection().getByLabel('Restrict the images members may pull');
    await poll(() => restrict.isChecked()).toBe(true);
    expect(await restrict.isDisabled()).toBe(true);
    await poll(() => page.getByTestId('custom-registry-row').allTextContents()).toEqual([
      'registry.example.com:5000InternalDenied',
    ]);
    expect(await page.getByRole('button', { name: 'Save' }).count()).toBe(0);
    expect(await page.getByLabel('Registry address').count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Remove/ }).count()).toBe(0);
    expect(await page.getByText('Only owners of acme change these settings').count()).toBe(1);
  });
});
