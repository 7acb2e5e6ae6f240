import type { Kysely } from 'kysely';

/**
 * Fine-grained personal tokens, address allowlists, address history and token policies:
 * - `access_tokens.resources`: JSON, a personal token's repositories (`[]`: its level alone);
 * - `access_tokens.allowed_cidrs`: JSON, the networks a token may be used from (`[]`: anywhere);
 * - `access_token_addresses`: the last distinct client addresses of each token, written by the
 *   buffered last-used writer;
 * - `org_token_policies`: an organization's caps on token lifetimes and its fine-grained rule.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('access_tokens')
    .addColumn('resources', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
  await db.schema
    .alterTable('access_tokens')
    .addColumn('allowed_cidrs', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();

  await db.schema
    .createTable('access_token_addresses')
    .addColumn('token_id', 'varchar(36)', (c) =>
      c.notNull().references('access_tokens.id').onDelete('cascade'),
    )
    .addColumn('ip', 'varchar(64)', (c) => c.notNull())
    .addColumn('first_seen_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('last_seen_at', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('access_token_addresses_pkey', ['token_id', 'ip'])
    .execute();

  await db.schema
    .createTable('org_token_policies')
    .addColumn('org_id', 'varchar(36)', (c) =>
      c.primaryKey().references('organizations.id').onDelete('cascade'),
    )
    .addColumn('oat_max_lifetime_days', 'integer')
    .addColumn('pat_max_lifetime_days', 'integer')
    .addColumn('require_fine_grained_pats', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_by', 'varchar(64)')
    .execute();

  // Unused-token expiry reads tokens by when they were last used.
  await db.schema
    .createIndex('access_tokens_last_used_idx')
    .on('access_tokens')
    .column('last_used_at')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('access_tokens_last_used_idx').execute();
  await db.schema.dropTable('org_token_policies').execute();
  await db.schema.dropTable('access_token_addresses').execute();
  await db.schema.alterTable('access_tokens').dropColumn('allowed_cidrs').execute();
  await db.schema.alterTable('access_tokens').dropColumn('resources').execute();
}
