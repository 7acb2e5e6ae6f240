/** Image repositories (`namespace/name`) of the registry, as tokenhub records them. */
import type { Repository } from '../core/repository-access.ts';
import { compiledOnce } from './compiled-once.ts';
import type { Db, PageWindow } from './database.ts';
import type { RepositoriesTable } from './schema.ts';

export function repositoryFromRow(row: RepositoriesTable): Repository {
  return {
    id: row.id,
    namespace: row.namespace,
    name: row.name,
    isPrivate: row.is_private === 1,
    description: row.description,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    createdBy: row.created_by,
  };
}

// On every repository scope of `/token`, so compiled once (compiled-once.ts).
const repositoryByName = compiledOnce((db, namespace: string, name: string) =>
  db.selectFrom('repositories').selectAll().where('namespace', '=', namespace).where('name', '=', name),
);

export async function findRepository(
  db: Db,
  namespace: string,
  name: string,
): Promise<Repository | undefined> {
  const row = (await repositoryByName(db, namespace, name))[0];
  return row && repositoryFromRow(row);
}

/**
 * Inserts a repository unless one of that name exists (a concurrent first push may have made it);
 * returns the row that is there afterwards.
 */
export async function insertRepositoryIfAbsent(db: Db, repository: Repository): Promise<Repository> {
  await db
    .insertInto('repositories')
    .values({
      id: repository.id,
      namespace: repository.namespace,
      name: repository.name,
      is_private: repository.isPrivate ? 1 : 0,
      description: repository.description,
      created_at: repository.createdAt,
      updated_at: repository.updatedAt,
      created_by: repository.createdBy,
    })
    .onConflict((oc) => oc.columns(['namespace', 'name']).doNothing())
    .execute();
  const stored = await findRepository(db, repository.namespace, repository.name);
  if (!stored) throw new Error(`repository ${repository.namespace}/${repository.name} vanished after insert`);
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
  options: PageWindow & {
    publicOnly: boolean;
    privateGrantedTo?: { orgId: string; userId: string };
  },
): Promise<{ repositories: Repository[]; total: number }> {
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
  return { repositories: rows.map(repositoryFromRow), total: Number(total) };
}

export async function updateRepository(
  db: Db,
  id: string,
  changes: { isPrivate?: boolean; description?: string; updatedAt: string },
): Promise<void> {
  await db
    .updateTable('repositories')
    .set({
      ...(changes.isPrivate !== undefined ? { is_private: changes.isPrivate ? 1 : 0 } : {}),
      ...(changes.description !== undefined ? { description: changes.description } : {}),
      updated_at: changes.updatedAt,
    })
    .where('id', '=', id)
    .execute();
}

export async function deleteRepository(db: Db, id: string): Promise<void> {
  await db.deleteFrom('repositories').where('id', '=', id).execute();
}
