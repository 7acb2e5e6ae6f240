import type { Kysely } from 'kysely';

/**
 * Companies above organizations: a company (its name claimed in `namespaces` with kind `company`),
 * its owners, and the organizations it holds — each organization in at most one company (the
 * organization id is the key). Deleting an organization takes it out of its company.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('companies')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('created_by', 'varchar(36)')
    .execute();

  await db.schema
    .createTable('company_owners')
    .addColumn('company_id', 'varchar(36)', (c) => c.notNull().references('companies.id').onDelete('cascade'))
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('company_owners_pkey', ['company_id', 'user_id'])
    .execute();
  await db.schema.createIndex('company_owners_user_idx').on('company_owners').column('user_id').execute();

  await db.schema
    .createTable('company_organizations')
    .addColumn('org_id', 'varchar(36)', (c) =>
      c.primaryKey().references('organizations.id').onDelete('cascade'),
    )
    .addColumn('company_id', 'varchar(36)', (c) => c.notNull().references('companies.id').onDelete('cascade'))
    .addColumn('added_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('company_organizations_company_idx')
    .on('company_organizations')
    .column('company_id')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['company_organizations', 'company_owners', 'companies']) {
    await db.schema.dropTable(table).execute();
  }
}
