import type { Kysely } from 'kysely';

/**
 * An invite may name a group (Docker Hub's `team`) the invitee joins on accepting. Deleting the
 * group leaves the invite without one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('org_invites')
    .addColumn('group_id', 'varchar(36)', (c) => c.references('org_groups.id').onDelete('set null'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('org_invites').dropColumn('group_id').execute();
}
