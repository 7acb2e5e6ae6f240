import type { Kysely } from 'kysely';

/**
 * Organization settings Docker Hub keeps for Docker Desktop (image and registry access management),
 * one row per organization that saved them, each group as its JSON text.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('organization_settings')
    .addColumn('org_id', 'varchar(36)', (c) =>
      c.primaryKey().references('organizations.id').onDelete('cascade'),
    )
    .addColumn('image_access', 'text', (c) => c.notNull())
    .addColumn('registry_access', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('organization_settings').execute();
}
