import type { Kysely } from 'kysely';

/**
 * OIDC connections (docs/oidc.md): a connection trusts one issuer for one audience and holds its
 * rulesets as JSON; the short-lived tokens exchanged at it (SHA-256 of the secret only), the `jti`
 * values seen by single-use connections, and the failure log. A connection's tokens, used `jti`
 * values and failures go with it (cascade).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('oidc_connections')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('owner_kind', 'varchar(8)', (c) => c.notNull())
    .addColumn('owner_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('label', 'varchar(400)', (c) => c.notNull())
    .addColumn('issuer', 'varchar(255)', (c) => c.notNull())
    .addColumn('audience', 'varchar(255)', (c) => c.notNull())
    .addColumn('token_ttl_seconds', 'integer', (c) => c.notNull())
    .addColumn('single_use', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('rulesets', 'text', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('created_by', 'varchar(36)')
    .addColumn('last_used_at', 'varchar(32)')
    .execute();
  // Listing an owner's connections, and finding them by issuer for an identity token at /token.
  await db.schema
    .createIndex('oidc_connections_owner_idx')
    .on('oidc_connections')
    .columns(['owner_kind', 'owner_id', 'issuer'])
    .execute();

  await db.schema
    .createTable('oidc_tokens')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('connection_id', 'varchar(36)', (c) =>
      c.notNull().references('oidc_connections.id').onDelete('cascade'),
    )
    .addColumn('secret_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('hint', 'varchar(32)', (c) => c.notNull())
    .addColumn('subject', 'varchar(1024)', (c) => c.notNull())
    .addColumn('resources', 'text', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('oidc_tokens_connection_idx')
    .on('oidc_tokens')
    .column('connection_id')
    .execute();
  await db.schema.createIndex('oidc_tokens_expiry_idx').on('oidc_tokens').column('expires_at').execute();

  await db.schema
    .createTable('oidc_used_jtis')
    .addColumn('connection_id', 'varchar(36)', (c) =>
      c.notNull().references('oidc_connections.id').onDelete('cascade'),
    )
    .addColumn('jti', 'varchar(255)', (c) => c.notNull())
    .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('oidc_used_jtis_pkey', ['connection_id', 'jti'])
    .execute();
  await db.schema
    .createIndex('oidc_used_jtis_expiry_idx')
    .on('oidc_used_jtis')
    .column('expires_at')
    .execute();

  await db.schema
    .createTable('oidc_failures')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('connection_id', 'varchar(36)', (c) =>
      c.notNull().references('oidc_connections.id').onDelete('cascade'),
    )
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('reason', 'varchar(1024)', (c) => c.notNull())
    .addColumn('subject', 'varchar(1024)')
    .addColumn('ip', 'varchar(64)', (c) => c.notNull().defaultTo(''))
    .addColumn('user_agent', 'varchar(512)', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema
    .createIndex('oidc_failures_connection_idx')
    .on('oidc_failures')
    .columns(['connection_id', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('oidc_failures').execute();
  await db.schema.dropTable('oidc_used_jtis').execute();
  await db.schema.dropTable('oidc_tokens').execute();
  await db.schema.dropTable('oidc_connections').execute();
}
