/**
 * Builds the web console (src/web, a React app) into dist/web, which the tokenhub process serves
 * (src/api/routes/web-console.routes.ts). `npm run build:web`; the `prepare` script runs it on
 * `npm install`. Vitest uses vitest.config.ts, not this file.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export const webRoot = fileURLToPath(new URL('./src/web/', import.meta.url));
export const webOutDir = fileURLToPath(new URL('./dist/web/', import.meta.url));

export default defineConfig({
  root: webRoot,
  base: '/',
  // Production build only: the console talks to the API of the process that serves it.
  build: {
    outDir: webOutDir,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // Hashed names under /assets/ are served as immutable; index.html is never cached.
    assetsDir: 'assets',
    chunkSizeWarningLimit: 800,
  },
  server: {
    // `npx vite` for UI work: proxy the API to a tokenhub on :8080 (npm start).
    proxy: { '/v2': 'http://127.0.0.1:8080', '/token': 'http://127.0.0.1:8080' },
  },
});
