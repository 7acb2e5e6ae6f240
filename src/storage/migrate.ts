/**
 * Migrations, one set for SQLite and PostgreSQL, named by timestamp. Kept as a static map (not a
 * folder scan) so they work the same from the source tree and from any bundle.
 */
import { type Kysely, sql } from 'kysely';
import { type Migration, type MigrationResultSet, Migrator } from 'kysely/migration';
import { dialectOf } from './database.ts';
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
import * as organizationSettings from './migrations/2026-12-01T0402-organization-settings.ts';
import * as mail from './migrations/2026-12-01T0501-mail.ts';
import * as knownSignInAddresses from './migrations/2026-12-01T0601-known-sign-in-addresses.ts';
import * as accountSessions from './migrations/2026-12-01T0701-account-sessions.ts';
import * as fineGrainedTokens from './migrations/2026-12-01T0801-fine-grained-tokens.ts';
import * as companies from './migrations/2026-12-01T0901-companies.ts';
import * as deviceSessionScope from './migrations/2026-12-01T1501-device-session-scope.ts';
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
  '2026-12-01T0402-organization-settings': organizationSettings,
  '2026-12-01T0501-mail': mail,
  '2026-12-01T0601-known-sign-in-addresses': knownSignInAddresses,
  '2026-12-01T0701-account-sessions': accountSessions,
  '2026-12-01T0801-fine-grained-tokens': fineGrainedTokens,
  '2026-12-01T0901-companies': companies,
  '2026-12-01T1501-device-session-scope': deviceSessionScope,
};

/**
 * Brings the schema to the latest version. Safe to call from several processes at once: Kysely
 * takes a lock (an advisory lock on PostgreSQL) around the run.
 * @throws Error naming the migration that failed.
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<MigrationResultSet> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    // Kysely looks for its own tables in every schema it can see unless told which one: on a
    // PostgreSQL database where another schema has them (another app, a parallel test run), it
    // would skip creating ours.
    ...(dialectOf(db) === 'postgres' ? { migrationTableSchema: await currentSchema(db) } : {}),
  });
  const result = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed`, { cause: result.error });
  }
  return result;
}

/** The schema unqualified names resolve to on this PostgreSQL connection (the first of `search_path`). */
async function currentSchema(db: Kysely<Database>): Promise<string> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema;
  if (!schema) throw new Error('PostgreSQL names no current schema: set search_path to an existing schema');
  return schema;
}
