/**
 * Serves the web console (src/web, built by `npm run build:web` into dist/web): hashed assets under
 * `/assets/` as immutable files, and index.html for every other GET path that is not the API's
 * (`/`, `/settings/tokens`, `/device?user_code=…`), so the console's own router picks the page.
 * Registered last; API prefixes are never answered here, whatever is registered under them.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { registryHostOf } from '../../core/registry-host.ts';
import type { App, RouteDeps } from '../app.ts';

export const defaultWebConsoleDir = fileURLToPath(new URL('../../../dist/web/', import.meta.url));

/** Paths owned by the API and the registry protocol: a miss there is the API's JSON 404. */
const reservedPrefixes = [
  '/v2',
  '/api',
  '/token',
  '/oauth',
  '/healthz',
  '/readyz',
  '/metrics',
  '/openapi.json',
];

export function isReservedPath(path: string): boolean {
  const lower = path.toLowerCase();
  return reservedPrefixes.some((prefix) => lower === prefix || lower.startsWith(`${prefix}/`));
}

const contentTypes: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/**
 * The console only loads its own scripts and styles and talks only to this origin; it may never be
 * framed (the device approval page must not be clickjacked).
 */
const pageHeaders = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-cache',
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const notBuiltPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tokenhub</title></head>
<body><main>
<h1>tokenhub</h1>
<p>The web console is not built. Run <code>npm run build:web</code> (or <code>npm install</code>, which builds it), then reload this page.</p>
<p>The Hub API is running: see <a href="/openapi.json">/openapi.json</a>.</p>
</main></body></html>
`;

async function readIfFile(path: string): Promise<Buffer | undefined> {
  try {
    if (!(await stat(path)).isFile()) return undefined;
    return await readFile(path);
  } catch {
    return undefined;
  }
}

/**
 * @param options.dir the built console (default `dist/web` of this checkout).
 */
export async function webConsoleRoutes(
  app: App,
  { ctx }: Pick<RouteDeps, 'ctx'>,
  options: { dir?: string } = {},
): Promise<void> {
  const root = resolve(options.dir ?? defaultWebConsoleDir);
  // Written into index.html so the console knows before any request whether to offer sign-up.
  const registryHost = registryHostOf(ctx.config.registryUrl);
  const instanceMeta = [
    `<meta name="tokenhub-signup" content="${ctx.config.signup}" />`,
    `<meta name="tokenhub-mail" content="${ctx.config.mail?.smtpUrl ? 'on' : 'off'}" />`,
    // The registry host for the copy-ready `docker login <host> -u <name>` (a URL's host: no quotes).
    ...(registryHost ? [`<meta name="tokenhub-registry" content="${registryHost}" />`] : []),
  ].join('\n  ');

  async function sendPage(reply: FastifyReply) {
    const html = await readIfFile(resolve(root, 'index.html'));
    const body = html
      ? html.toString('utf8').replace('</head>', `  ${instanceMeta}\n  </head>`)
      : notBuiltPage;
    return reply.headers(pageHeaders).send(body);
  }

  app.get('/*', { schema: { hide: true } }, async (request: FastifyRequest, reply: FastifyReply) => {
    let path: string;
    try {
      path = decodeURIComponent(request.url.split('?')[0] ?? '/');
    } catch {
      return reply.callNotFound();
    }
    if (isReservedPath(path) || path.includes('\0')) return reply.callNotFound();
    const extension = extname(path);
    if (extension === '') return sendPage(reply);

    const file = resolve(root, `.${path}`);
    const body = file.startsWith(root + sep) ? await readIfFile(file) : undefined;
    if (!body) return reply.callNotFound();
    if (file === resolve(root, 'index.html')) return sendPage(reply);
    return reply
      .headers({
        'content-type': contentTypes[extension] ?? 'application/octet-stream',
        'cache-control': path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        'x-content-type-options': 'nosniff',
      })
      .send(body);
  });
}
