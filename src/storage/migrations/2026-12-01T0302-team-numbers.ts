import { type Kysely, sql } from 'kysely';

/**
 * Groups get Docker Hub's integer group id (`number`, unique across the instance, in creation
 * order for the groups that exist) and a description. Docker's clients address groups by that
 * number (the Terraform provider's repository permissions) and decode it as an integer.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('org_groups').addColumn('number', 'integer').execute();
  await db.schema
    .alterTable('org_groups')
    .addColumn('description', 'varchar(255)', (c) => c.notNull().defaultTo(''))
    .execute();
  await sql`
    update org_groups set number = (
      select count(*) from org_groups g2
      where g2.created_at < org_groups.created_at
         or (g2.created_at = org_groups.created_at and g2.id <= org_groups.id)
    )`.execute(db);
  await db.schema.createIndex('org_groups_number_key').on('org_groups').column('number').unique().execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('org_groups_number_key').execute();
  await db.schema.alterTable('org_groups').dropColumn('description').execute();
  await db.schema.alterTable('org_groups').dropColumn('number').execute();
}
