import { type Kysely, sql } from 'kysely';

/**
 * Device sign-in (RFC 8628) and the auto-generated tokens it creates. One row per sign-in: first the
 * device authorization request (device code hash, user code, pending → approved | denied), then,
 * once the device collected its token, the sign-in that token belongs to (`completed`, `token_id`).
 * Deleting the token deletes its sign-in (cascade). `desktop` rows come from
 * `POST /v2/access-tokens/desktop-generate` and have no codes.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('device_sign_ins')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('kind', 'varchar(8)', (c) => c.notNull())
    .addColumn('device_code_hash', 'varchar(64)', (c) => c.unique())
    .addColumn('user_code', 'varchar(8)')
    .addColumn('client_id', 'varchar(100)', (c) => c.notNull())
    .addColumn('client_name', 'varchar(100)', (c) => c.notNull().defaultTo(''))
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(36)', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('token_id', 'varchar(36)', (c) => c.references('access_tokens.id').onDelete('cascade'))
    .addColumn('ip', 'varchar(64)', (c) => c.notNull().defaultTo(''))
    .addColumn('user_agent', 'varchar(512)', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('interval_seconds', 'integer', (c) => c.notNull())
    .addColumn('last_polled_at', 'varchar(32)')
    .addColumn('decided_at', 'varchar(32)')
    .execute();
  // A user code names one pending request at a time; decided ones keep theirs for the 409.
  await sql`create unique index device_sign_ins_pending_user_code on device_sign_ins (user_code) where status = 'pending'`.execute(
    db,
  );
  await db.schema
    .createIndex('device_sign_ins_user_code_idx')
    .on('device_sign_ins')
    .column('user_code')
    .execute();
  // Deleting a token looks its sign-in up by token_id (the cascade).
  await db.schema.createIndex('device_sign_ins_token_idx').on('device_sign_ins').column('token_id').execute();
  await db.schema
    .createIndex('device_sign_ins_expiry_idx')
    .on('device_sign_ins')
    .column('expires_at')
    .execute();
  // The expiry sweep reads only auto-generated tokens.
  await sql`create index access_tokens_auto_expiry_idx on access_tokens (expires_at) where generated_by = 'auto'`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('access_tokens_auto_expiry_idx').execute();
  await db.schema.dropTable('device_sign_ins').execute();
}
