/**
 * Migrations, one set for SQLite and PostgreSQL, named by timestamp. Kept as a static map (not a
 * folder scan) so they work the same from the source tree and from any bundle.
 */
import type { Kysely } from 'kysely';
import { type Migration, type MigrationResultSet, Migrator } from 'kysely/migration';
import * as initial from './migrations/2026-11-24T0001-initial.ts';
import * as repositories from './migrations/2026-11-24T0002-repositories.ts';
import * as organizations from './migrations/2026-11-24T0003-organizations.ts';
import * as twoFactor from './migrations/2026-11-24T0004-two-factor.ts';
import * as deviceSignIn from './migrations/2026-11-24T0005-device-sign-in.ts';
import * as dockerAuditActions from './migrations/2026-12-01T0301-docker-audit-actions.ts';
import * as teamNumbers from './migrations/2026-12-01T0302-team-numbers.ts';
import * as inviteTeams from './migrations/2026-12-01T0303-invite-teams.ts';
import * as repositoryDetails from './migrations/2026-12-01T0304-repository-details.ts';
import * as oidcConnections from './migrations/2026-12-01T0401-oidc-connections.ts';
import * as accountSessions from './migrations/2026-12-01T0701-account-sessions.ts';
import type { Database } from './schema.ts';

const migrations: Record<string, Migration> = {
  '2026-11-24T0001-initial': initial,
  '2026-11-24T0002-repositories': repositories,
  '2026-11-24T0003-organizations': organizations,
  '2026-11-24T0004-two-factor': twoFactor,
  '2026-11-24T0005-device-sign-in': deviceSignIn,
  '2026-12-01T0301-docker-audit-actions': dockerAuditActions,
  '2026-12-01T0302-team-numbers': teamNumbers,
  '2026-12-01T0303-invite-teams': inviteTeams,
  '2026-12-01T0304-repository-details': repositoryDetails,
  '2026-12-01T0401-oidc-connections': oidcConnections,
  '2026-12-01T0701-account-sessions': accountSessions,
};

/**
 * Brings the schema to the latest version. Safe to call from several processes at once: Kysely
 * takes a lock (an advisory lock on PostgreSQL) around the run.
 * @throws Error naming the migration that failed.
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<MigrationResultSet> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const result = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed`, { cause: result.error });
  }
  return result;
}
