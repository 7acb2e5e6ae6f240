import type { Kysely } from 'kysely';

/**
 * What the Hub API shows of a repository beyond its access record (`repositories`, read on every
 * `/token`, stays as it is): the full description, and the facts the registry's notifications
 * report (pulls, last push and pull, manifest media types, each tag's digest and times).
 * `registry_events` keeps the ids of the notifications applied, so a redelivered one counts once.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('repository_details')
    .addColumn('repository_id', 'varchar(36)', (c) =>
      c.primaryKey().references('repositories.id').onDelete('cascade'),
    )
    .addColumn('full_description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('pull_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_pushed_at', 'varchar(32)')
    .addColumn('last_pulled_at', 'varchar(32)')
    .addColumn('media_types', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();

  await db.schema
    .createTable('repository_tags')
    .addColumn('repository_id', 'varchar(36)', (c) =>
      c.notNull().references('repositories.id').onDelete('cascade'),
    )
    .addColumn('tag', 'varchar(128)', (c) => c.notNull())
    .addColumn('digest', 'varchar(100)', (c) => c.notNull())
    .addColumn('media_type', 'varchar(255)', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('pushed_at', 'varchar(32)')
    .addColumn('pushed_by', 'varchar(64)')
    .addColumn('pulled_at', 'varchar(32)')
    .addPrimaryKeyConstraint('repository_tags_pkey', ['repository_id', 'tag'])
    .execute();

  await db.schema
    .createTable('registry_events')
    .addColumn('id', 'varchar(128)', (c) => c.primaryKey())
    .addColumn('received_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('registry_events_received_idx')
    .on('registry_events')
    .column('received_at')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['registry_events', 'repository_tags', 'repository_details']) {
    await db.schema.dropTable(table).execute();
  }
}
