/**
 * Support for the web console's browser suite: Debian's Chromium driven by playwright-core (no
 * browser download), a console build that is fresh for the sources, and screenshots.
 */
import { accessSync, constants } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';

export const chromiumPath = '/usr/bin/chromium';
const repoRoot = resolve(import.meta.dirname, '../..');
export const artifactsDir = join(repoRoot, 'test-artifacts');
const screenshotsDir = join(repoRoot, 'docs', 'screenshots');

/**
 * For `describe.skipIf(!requireChromium())`: true when Debian's Chromium is installed. Missing, it
 * throws when `CI` is set (CI must run this suite), and warns loudly elsewhere.
 */
export function requireChromium(): boolean {
  try {
    accessSync(chromiumPath, constants.X_OK);
    return true;
  } catch {
    const message = `missing ${chromiumPath} (apt-get install -y chromium)`;
    if (process.env.CI) throw new Error(`${message}; CI must run the browser suite`);
    console.warn(`\n!!! SKIPPING SUITE: ${message} !!!\n`);
    return false;
  }
}

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? await newestMtime(path) : (await stat(path)).mtimeMs);
  }
  return newest;
}

/** Builds dist/web (as `npm run build:web` does) unless it is newer than every console source. */
export async function ensureConsoleBuilt(): Promise<void> {
  const built = await stat(join(repoRoot, 'dist', 'web', 'index.html')).catch(() => undefined);
  const sources = Math.max(
    await newestMtime(join(repoRoot, 'src', 'web')),
    (await stat(join(repoRoot, 'vite.config.ts'))).mtimeMs,
  );
  if (built && built.mtimeMs > sources) return;
  const { build } = await import('vite');
  await build({ configFile: join(repoRoot, 'vite.config.ts'), logLevel: 'warn' });
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions and console errors other than failed requests (a 401 is expected). */
  problems: string[];
  close(): Promise<void>;
}

/** Headless Chromium with a fresh profile directory, deleted on close; steps wait at most 20 s. */
export async function launchBrowser(): Promise<Browser> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'tokenhub-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    viewport: { width: 1200, height: 760 },
    // The copy buttons use the asynchronous clipboard, as in a browser served over https.
    permissions: ['clipboard-read', 'clipboard-write'],
    locale: 'en-US',
    timezoneId: 'UTC',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(20_000);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      problems.push(`console error: ${message.text()}`);
    }
  });
  return {
    context,
    page,
    problems,
    async close() {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Copies a new token's secret with its Copy button, so that its dialog closes without asking, and
 * goes back to the token list.
 */
export async function copySecretAndClose(created: Locator): Promise<void> {
  await created.getByRole('button', { name: 'Copy token' }).click();
  await created.getByRole('button', { name: 'Copy token' }).filter({ hasText: 'Copied' }).waitFor();
  await created.getByRole('button', { name: 'Back to access tokens' }).click();
  await created.waitFor({ state: 'detached' });
}

/** For `afterEach`: a screenshot of a failed test, named after it, under test-artifacts/. */
export async function screenshotIfFailed(
  page: Page | undefined,
  task: { name: string; result?: { state?: string } },
): Promise<void> {
  if (page && task.result?.state === 'fail') {
    const name = task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
    await screenshot(page, `failure-${name}`, { forDocs: false });
  }
}

/**
 * Saves a screenshot under test-artifacts/; with TOKENHUB_UPDATE_SCREENSHOTS=1 also refreshes the
 * committed copy in docs/screenshots/ (the README shows those).
 */
export async function screenshot(page: Page, name: string, options = { forDocs: true }): Promise<string> {
  await mkdir(artifactsDir, { recursive: true });
  const path = join(artifactsDir, `${name}.png`);
  await page.screenshot({ path, animations: 'disabled', caret: 'hide' });
  if (options.forDocs && process.env.TOKENHUB_UPDATE_SCREENSHOTS === '1') {
    await mkdir(screenshotsDir, { recursive: true });
    await copyFile(path, join(screenshotsDir, `${name}.png`));
  }
  return path;
}
