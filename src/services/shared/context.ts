/**
 * What every use case needs, passed explicitly: the store, the clock, the settings, the logger and
 * the buffered last-used writer. `createServiceContext` assembles it, for the server (`buildApp`)
 * and the operator commands alike; tests build one over a temp database with a manual clock.
 */
import type { Logger } from 'pino';
import type { Config } from '../../config.ts';
import type { Clock } from '../../core/clock.ts';
import type { Db } from '../../storage/database.ts';
import { LastUsedRecorder } from './last-used-recorder.ts';
import { lazySecretKey } from './secret-key.ts';

export interface ServiceContext {
  db: Db;
  clock: Clock;
  config: Readonly<Config>;
  log: Logger;
  lastUsed: LastUsedRecorder;
  /** The at-rest encryption key (services/secret-key.ts), loaded on first use. */
  secretKey(): Buffer;
}

/**
 * The context of a process: the server's last-used writer flushes every
 * `lastUsedFlushIntervalMs`; pass `flushIntervalMs: 0` where nothing is served (operator commands
 * write at close). Close `ctx.lastUsed` before the database.
 */
export function createServiceContext(deps: {
  db: Db;
  clock: Clock;
  config: Readonly<Config>;
  log: Logger;
  flushIntervalMs?: number;
}): ServiceContext {
  const { db, clock, config, log } = deps;
  const flushIntervalMs = deps.flushIntervalMs ?? config.lastUsedFlushIntervalMs;
  return {
    db,
    clock,
    config,
    log,
    lastUsed: new LastUsedRecorder(db, log, flushIntervalMs, config.lastUsedTracking),
    secretKey: lazySecretKey(config),
  };
}

/** Who made a request, as recorded in audit events and token metadata. */
export interface RequestMeta {
  ip: string;
  userAgent: string;
}

export function isoNow(ctx: Pick<ServiceContext, 'clock'>): string {
  return ctx.clock.now().toISOString();
}
