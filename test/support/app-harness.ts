/**
 * An in-process tokenhub for route tests: `buildApp` over a fresh database, a manual clock, and a
 * logger whose every line is captured (tests grep it for secrets). Nothing listens; requests go
 * through `app.inject`.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import { type App, buildApp, logRedactPaths } from '../../src/api/app.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import { createManualClock } from '../../src/core/clock.ts';
import { type DialectName, openTestDatabase, type TestDatabase } from './databases.ts';

export type ManualClock = ReturnType<typeof createManualClock>;

export interface TestApp {
  app: App;
  database: TestDatabase;
  clock: ManualClock;
  config: Readonly<Config>;
  logLines: string[];
  close(): Promise<void>;
  /** Signs up an account through the API; returns its password. */
  signUp(username: string, password?: string): Promise<string>;
  /** Logs in through `POST /v2/auth/token`; returns the session JWT. */
  login(identifier: string, secret: string): Promise<string>;
  /** Creates a PAT through the API with a password session; returns the create response body. */
  createPat(jwt: string, body?: Record<string, unknown>): Promise<PatCreated>;
  inject(options: InjectOptions): Promise<LightMyRequestResponse>;
}

export interface PatCreated {
  uuid: string;
  token: string;
  token_label: string;
  scopes: string[];
  [key: string]: unknown;
}

export interface InjectOptions {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  jwt?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export const defaultPassword = 'correct horse battery';

export async function createTestApp(
  options: {
    dialect?: DialectName;
    env?: Record<string, string>;
    start?: string;
    /** Called with the SQL of every query the app runs (tests count reads and writes with it). */
    onQuery?: (sql: string) => void;
  } = {},
): Promise<TestApp> {
  const onQuery = options.onQuery;
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  const logger = pino({ level: 'debug', redact: { paths: logRedactPaths, censor: '[redacted]' } }, sink);
  const database = await openTestDatabase(options.dialect ?? 'sqlite', {
    ...(onQuery ? { onQuery: (event) => onQuery(event.query.sql) } : {}),
    log: logger,
  });
  const config = loadConfig({
    TOKENHUB_PUBLIC_URL: 'http://tokenhub.test',
    TOKENHUB_LOG_LEVEL: 'debug',
    TOKENHUB_SECRET_KEY: randomBytes(32).toString('base64'),
    ...options.env,
  });
  const clock = createManualClock(options.start ?? '2026-03-01T12:00:00.000Z');
  const app = await buildApp({ config, db: database.db, clock, logger });

  const inject = (o: InjectOptions) =>
    app.inject({
      method: o.method,
      url: o.url,
      headers: {
        'user-agent': 'tokenhub-tests/1.0',
        ...(o.jwt ? { authorization: `Bearer ${o.jwt}` } : {}),
        ...o.headers,
      },
      ...(o.body === undefined ? {} : { payload: o.body as object }),
    });

  return {
    app,
    database,
    clock,
    config,
    logLines,
    inject,
    async close() {
      await app.close();
      await database.close();
    },
    async signUp(username, password = defaultPassword) {
      const res = await inject({
        method: 'POST',
        url: '/v2/users',
        body: { username, email: `${username}@example.com`, password },
      });
      if (res.statusCode !== 201) throw new Error(`sign-up failed: ${res.statusCode} ${res.body}`);
      return password;
    },
    async login(identifier, secret) {
      const res = await inject({ method: 'POST', url: '/v2/auth/token', body: { identifier, secret } });
      if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
      return res.json<{ access_token: string }>().access_token;
    },
    async createPat(jwt, body = {}) {
      const res = await inject({
        method: 'POST',
        url: '/v2/access-tokens',
        jwt,
        body: { token_label: 'test token', scopes: ['repo:read'], ...body },
      });
      if (res.statusCode !== 201) throw new Error(`PAT creation failed: ${res.statusCode} ${res.body}`);
      return res.json<PatCreated>();
    },
  };
}
