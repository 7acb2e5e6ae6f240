import { type Kysely, sql } from 'kysely';

/**
 * Organizations, their members, groups (teams) with repository permissions, and invites. User and
 * organization names share one space: `namespaces` holds every name once (existing usernames are
 * copied in), so a sign-up and an organization of the same name cannot both succeed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('namespaces')
    .addColumn('name', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('kind', 'varchar(8)', (c) => c.notNull())
    .addColumn('owner_id', 'varchar(36)', (c) => c.notNull())
    .execute();
  await sql`insert into namespaces (name, kind, owner_id) select username, 'user', id from users`.execute(db);

  await db.schema
    .createTable('organizations')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('tier', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('created_by', 'varchar(36)')
    .execute();

  await db.schema
    .createTable('org_members')
    .addColumn('org_id', 'varchar(36)', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', 'varchar(8)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('org_members_pkey', ['org_id', 'user_id'])
    .execute();
  await db.schema.createIndex('org_members_user_idx').on('org_members').column('user_id').execute();

  await db.schema
    .createTable('org_groups')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(36)', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('name', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addUniqueConstraint('org_groups_org_name_key', ['org_id', 'name'])
    .execute();

  await db.schema
    .createTable('org_group_members')
    .addColumn('group_id', 'varchar(36)', (c) => c.notNull().references('org_groups.id').onDelete('cascade'))
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('org_group_members_pkey', ['group_id', 'user_id'])
    .execute();
  await db.schema
    .createIndex('org_group_members_user_idx')
    .on('org_group_members')
    .column('user_id')
    .execute();

  await db.schema
    .createTable('org_group_repositories')
    .addColumn('group_id', 'varchar(36)', (c) => c.notNull().references('org_groups.id').onDelete('cascade'))
    .addColumn('repository', 'varchar(255)', (c) => c.notNull())
    .addColumn('permission', 'varchar(8)', (c) => c.notNull())
    .addPrimaryKeyConstraint('org_group_repositories_pkey', ['group_id', 'repository'])
    .execute();

  await db.schema
    .createTable('org_invites')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(36)', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('invitee', 'varchar(320)', (c) => c.notNull())
    .addColumn('invitee_user_id', 'varchar(36)')
    .addColumn('role', 'varchar(8)', (c) => c.notNull())
    .addColumn('invited_by', 'varchar(36)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addUniqueConstraint('org_invites_org_invitee_key', ['org_id', 'invitee'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'org_invites',
    'org_group_repositories',
    'org_group_members',
    'org_groups',
    'org_members',
    'organizations',
    'namespaces',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
