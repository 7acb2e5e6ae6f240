/** Repositories (`namespace/name`). */
import { compiledOnce } from './compiled-once.ts';
import type { Db } from './database.ts';
import type { RepositoriesTable } from './schema.ts';

export type RepositoryRow = RepositoriesTable;

// On every repository scope of `/token`, so compiled once (compiled-once.ts).
const repositoryByName = compiledOnce((db, namespace: string, name: string) =>
  db.selectFrom('repositories').selectAll().where('namespace', '=', namespace).where('name', '=', name),
);

export async function findRepository(
  db: Db,
  namespace: string,
  name: string,
): Promise<RepositoryRow | undefined> {
  return (await repositoryByName(db, namespace, name))[0];
}

/**
 * Inserts a repository unless one of that name exists (a concurrent first push may have made it);
 * returns the row that is there afterwards.
 */
export async function insertRepositoryIfAbsent(db: Db, row: RepositoryRow): Promise<RepositoryRow> {
  await db
    .insertInto('repositories')
    .values(row)
    .onConflict((oc) => oc.columns(['namespace', 'name']).doNothing())
    .execute();
  const stored = await findRepository(db, row.namespace, row.name);
  if (!stored) throw new Error(`repository ${row.namespace}/${row.name} vanished after insert`);
  return stored;
}

/**
 * One page of a namespace's repositories, by name, and how many there are in all. `publicOnly`
 * hides private ones, except those `privateGrantedTo` names: the private repositories of the
 * organization `orgId` that a group of `userId` has any permission on (an organization member's view).
 */
export async function listNamespaceRepositories(
  db: Db,
  namespace: string,
  options: {
    publicOnly: boolean;
    privateGrantedTo?: { orgId: string; userId: string };
    limit: number;
    offset: number;
  },
): Promise<{ rows: RepositoryRow[]; total: number }> {
  let base = db.selectFrom('repositories').where('namespace', '=', namespace);
  const granted = options.privateGrantedTo;
  if (options.publicOnly && granted) {
    base = base.where((eb) =>
      eb.or([
        eb('is_private', '=', 0),
        eb(
          'name',
          'in',
          eb
            .selectFrom('org_group_repositories as gr')
            .innerJoin('org_groups as g', 'g.id', 'gr.group_id')
            .innerJoin('org_group_members as gm', 'gm.group_id', 'gr.group_id')
            .select('gr.repository')
            .where('g.org_id', '=', granted.orgId)
            .where('gm.user_id', '=', granted.userId),
        ),
      ]),
    );
  } else if (options.publicOnly) {
    base = base.where('is_private', '=', 0);
  }
  const rows = await base.selectAll().orderBy('name').limit(options.limit).offset(options.offset).execute();
  const { total } = await base
    .select((eb) => eb.fn.countAll<string | number>().as('total'))
    .executeTakeFirstOrThrow();
  return { rows, total: Number(total) };
}

export async function updateRepository(
  db: Db,
  id: string,
  changes: Partial<Pick<RepositoryRow, 'is_private' | 'description' | 'updated_at'>>,
): Promise<void> {
  await db.updateTable('repositories').set(changes).where('id', '=', id).execute();
}

export async function deleteRepository(db: Db, id: string): Promise<void> {
  await db.deleteFrom('repositories').where('id', '=', id).execute();
}
