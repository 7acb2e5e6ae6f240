import type { Kysely } from 'kysely';

/**
 * Password sessions on the server, so they can be listed and ended one by one: a console sign-in,
 * a Hub API login with a password, or a CLI sign-in. Each session JWT names its row (`sid`); a
 * revoked or expired row ends the JWT at its next request. A CLI session also holds the SHA-256 of
 * its refresh token (the secret itself is only on the device).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('account_sessions')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('device', 'varchar(100)', (c) => c.notNull().defaultTo(''))
    .addColumn('ip', 'varchar(64)', (c) => c.notNull().defaultTo(''))
    .addColumn('user_agent', 'varchar(512)', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('last_seen_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('revoked_at', 'varchar(32)')
    .addColumn('refresh_hash', 'varchar(64)', (c) => c.unique())
    .execute();
  await db.schema.createIndex('account_sessions_user_idx').on('account_sessions').column('user_id').execute();
  await db.schema
    .createIndex('account_sessions_expires_idx')
    .on('account_sessions')
    .column('expires_at')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('account_sessions').execute();
}
