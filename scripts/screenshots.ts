/**
 * Refreshes docs/screenshots: every console page at 1280x800 (desktop) and 390x844 (phone), in
 * Debian's Chromium against an in-process tokenhub with example data (an account with tokens and
 * two-factor off, an organization on the Team tier with a member, a group, an invite and a token,
 * a company with a Business organization, a pending device sign-in), and the page shown while the
 * server restarts (the session read answered 503).
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

interface Shot {
  name: string;
  path: string;
  /** Text that says the page has loaded. */
  ready: string;
  signedOut?: boolean;
  /** The server answers the session read with 503 (the page shown while tokenhub restarts). */
  unavailable?: boolean;
}

/**
 * Console paths; `{code}` is the user code of a pending device sign-in, `{connection}` the id of
 * an OIDC connection.
 */
const pages: ReadonlyArray<Shot> = [
  { name: 'signin', path: '/signin', ready: 'Sign in', signedOut: true },
  { name: 'signup', path: '/signup', ready: 'Create an account', signedOut: true },
  { name: 'forgot-password', path: '/forgot-password', ready: 'Reset your password', signedOut: true },
  {
    name: 'signin-device',
    path: '/device?user_code={code}',
    ready: 'Sign in to approve a device sign-in',
    signedOut: true,
  },
  { name: 'unavailable', path: '/settings/tokens', ready: 'briefly unavailable', unavailable: true },
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
  { name: 'device-decision', path: '/device?user_code={code}', ready: 'tokenhub CLI on build box' },
  { name: 'oidc-new', path: '/settings/oidc/new', ready: 'New OIDC connection' },
  { name: 'oidc-connection', path: '/settings/oidc/{connection}', ready: 'Rulesets' },
  { name: 'org-oidc', path: '/orgs/acme/oidc', ready: 'OIDC connections' },
  { name: 'org-oidc-new', path: '/orgs/acme/oidc/new', ready: 'New OIDC connection' },
  { name: 'org-token-policy', path: '/orgs/acme/token-policy', ready: 'Token policy' },
  { name: 'org-settings', path: '/orgs/acme/settings', ready: 'Restrict the images members may pull' },
  { name: 'companies', path: '/companies', ready: 'megacorp' },
  { name: 'company', path: '/companies/megacorp', ready: 'bigco' },
  { name: 'company-activity', path: '/companies/megacorp/activity', ready: 'Activity' },
];

/** Example data; @returns the user code of a pending device sign-in and an OIDC connection's id. */
async function seed(
  t: Awaited<ReturnType<typeof createTestApp>>,
): Promise<{ code: string; connection: string }> {
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
  await t.inject({ method: 'POST', url: '/v2/orgs', jwt, body: { name: 'bigco' } });
  await setOrgTier(t, 'bigco', 'business');
  await t.inject({ method: 'POST', url: '/v2/companies', jwt, body: { name: 'megacorp' } });
  await t.inject({ method: 'PUT', url: '/v2/companies/megacorp/orgs/bigco', jwt });
  const device = await t.app.inject({
    method: 'POST',
    url: '/oauth/device/code',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'tokenhub-cli/0.1.0' },
    payload: new URLSearchParams({
      client_id: 'tokenhub-cli',
      client_name: 'tokenhub CLI on build box',
    }).toString(),
  });
  const connection = await t.inject({
    method: 'POST',
    url: '/v2/users/me/oidc-connections',
    jwt,
    body: {
      label: 'GitHub Actions',
      issuer: 'https://token.actions.githubusercontent.com',
      rulesets: [
        {
          label: 'main',
          subject: 'repo:alice/app:ref:refs/heads/main',
          resources: [{ type: 'TYPE_REPO', path: 'alice/app', scopes: ['scope-image-push'] }],
        },
      ],
    },
  });
  return { code: (device.json() as { user_code: string }).user_code, connection: connection.json().id };
}

await ensureConsoleBuilt();
const t = await createTestApp({
  start: new Date().toISOString(),
  env: { TOKENHUB_REGISTRY_URL: 'https://registry.example.com' },
});
const browser = await launchBrowser();
try {
  const seeded = await seed(t);
  const base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  const { page } = browser;
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
        if (entry.unavailable) {
          await page.route('**/v2/console/session', (route) =>
            route.fulfill({ status: 503, contentType: 'text/html', body: '<h1>Service Unavailable</h1>' }),
          );
        }
        const path = entry.path
          .replace('{code}', encodeURIComponent(seeded.code))
          .replace('{connection}', encodeURIComponent(seeded.connection));
        await page.goto(`${base}${path}`);
        await page.getByText(entry.ready).first().waitFor();
        await page.waitForLoadState('networkidle');
        const file = join(outDir, `page-${entry.name}-${viewport.width}.png`);
        await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
        if (entry.unavailable) await page.unroute('**/v2/console/session');
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
