import type { Kysely } from 'kysely';

/**
 * Addresses an account signed in from with its password, remembered only as a keyed hash of
 * (account name, address) with the last time seen: failed sign-ins from other addresses never lock
 * the account out from these (docs/limits.md).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('known_sign_in_addresses')
    .addColumn('key_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('last_seen_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('known_sign_in_addresses_last_seen')
    .on('known_sign_in_addresses')
    .column('last_seen_at')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('known_sign_in_addresses').execute();
}
