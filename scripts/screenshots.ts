/**
 * Refreshes docs/screenshots: every console page at 1280x800 (desktop) and 390x844 (phone), in
 * Debian's Chromium against an in-process tokenhub with example data (an account with tokens and
 * two-factor off, an organization on the Team tier with a member, a group, an invite and a token).
 *
 *   npm run -s screenshots      # or: sh scripts/node.sh scripts/screenshots.ts
 *
 * Files: docs/screenshots/page-<name>-<width>.png. Nothing listens beyond loopback; the data is
 * thrown away at the end.
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ensureConsoleBuilt, launchBrowser } from '../test/browser/browser-support.ts';
import { createTestApp } from '../test/support/app-harness.ts';
import { setOrgTier } from '../test/support/org-fixtures.ts';

const outDir = resolve(import.meta.dirname, '..', 'docs', 'screenshots');
const viewports = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
] as const;
const password = 'a long enough password';

/** Console paths, each with the text that says the page has loaded. */
const pages: ReadonlyArray<{ name: string; path: string; ready: string; signedOut?: boolean }> = [
  { name: 'signin', path: '/signin', ready: 'Sign in', signedOut: true },
  { name: 'signup', path: '/signup', ready: 'Create an account', signedOut: true },
  { name: 'tokens', path: '/settings/tokens', ready: 'Personal access tokens' },
  { name: 'security', path: '/settings/security', ready: 'Sessions' },
  { name: 'oidc', path: '/settings/oidc', ready: 'OIDC connections' },
  { name: 'activity', path: '/activity', ready: 'Activity' },
  { name: 'orgs', path: '/orgs', ready: 'Organizations' },
  { name: 'org', path: '/orgs/acme', ready: 'acme' },
  { name: 'org-people', path: '/orgs/acme/people', ready: 'Members, groups and invites' },
  { name: 'org-tokens', path: '/orgs/acme/tokens', ready: 'ci-robot' },
  { name: 'org-activity', path: '/orgs/acme/activity', ready: 'Activity' },
  { name: 'device', path: '/device', ready: 'code' },
];

async function seed(t: Awaited<ReturnType<typeof createTestApp>>): Promise<void> {
  await t.signUp('alice', password);
  await t.signUp('bobby');
  const jwt = await t.login('alice', password);
  await t.createPat(jwt, { token_label: 'ci pipeline', scopes: ['repo:write'] });
  await t.createPat(jwt, { token_label: 'laptop', scopes: ['repo:read'] });
  await t.inject({ method: 'POST', url: '/v2/orgs', jwt, body: { name: 'acme' } });
  await setOrgTier(t, 'acme', 'team');
  await t.inject({ method: 'POST', url: '/v2/orgs/acme/groups', jwt, body: { name: 'developers' } });
  await t.inject({
    method: 'POST',
    url: '/v2/orgs/acme/invites',
    jwt,
    body: { invitee: 'bobby', role: 'member' },
  });
  await t.inject({
    method: 'POST',
    url: '/v2/orgs/acme/access-tokens',
    jwt,
    body: {
      label: 'ci-robot',
      resources: [{ type: 'TYPE_REPO', path: 'acme/*', scopes: ['scope-image-pull'] }],
    },
  });
}

await ensureConsoleBuilt();
const t = await createTestApp({
  start: new Date().toISOString(),
  env: { TOKENHUB_REGISTRY_URL: 'https://registry.example.com' },
});
const browser = await launchBrowser();
try {
  await seed(t);
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const address = t.app.server.address();
  if (!address || typeof address === 'string') throw new Error('tokenhub is not listening on TCP');
  const base = `http://127.0.0.1:${address.port}`;
  const { page } = browser;
  page.setDefaultTimeout(20_000);
  await mkdir(outDir, { recursive: true });
  for (const signedOut of [true, false]) {
    if (!signedOut) {
      await page.goto(`${base}/signin`);
      await page.getByLabel('Username').fill('alice');
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Personal access tokens' }).waitFor();
    }
    for (const entry of pages.filter((p) => Boolean(p.signedOut) === signedOut)) {
      for (const viewport of viewports) {
        await page.setViewportSize(viewport);
        await page.goto(`${base}${entry.path}`);
        await page.getByText(entry.ready).first().waitFor();
        await page.waitForLoadState('networkidle');
        const file = join(outDir, `page-${entry.name}-${viewport.width}.png`);
        await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
        process.stdout.write(`${file}\n`);
      }
    }
  }
  if (browser.problems.length)
    throw new Error(`the console reported problems:\n${browser.problems.join('\n')}`);
} finally {
  await browser.close();
  await t.close();
}
