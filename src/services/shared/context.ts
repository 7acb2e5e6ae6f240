/**
 * What every use case needs, passed explicitly: the store, the clock, the settings, the logger and
 * the buffered last-used writer. `buildApp` and the CLI build one; tests build one over a temp
 * database with a manual clock.
 */
import type { Logger } from 'pino';
import type { Config } from '../../config.ts';
import type { Clock } from '../../core/clock.ts';
import type { Db } from '../../storage/database.ts';
import type { LastUsedRecorder } from './last-used-recorder.ts';

export interface ServiceContext {
  db: Db;
  clock: Clock;
  config: Readonly<Config>;
  log: Logger;
  lastUsed: LastUsedRecorder;
  /** The at-rest encryption key (services/secret-key.ts), loaded on first use. */
  secretKey(): Buffer;
}

/** Who made a request, as recorded in audit events and token metadata. */
export interface RequestMeta {
  ip: string;
  userAgent: string;
}

export function isoNow(ctx: Pick<ServiceContext, 'clock'>): string {
  return ctx.clock.now().toISOString();
}
