import type { Kysely } from 'kysely';

/**
 * `device_sign_ins.session_requested`: 1 when the device asked (`scope=session`) for a CLI session
 * next to its auto-generated token, so that one `tokenhub login` also manages the account's tokens.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('device_sign_ins')
    .addColumn('session_requested', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('device_sign_ins').dropColumn('session_requested').execute();
}
