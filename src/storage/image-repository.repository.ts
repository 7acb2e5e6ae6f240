/** Image repositories (`namespace/name`) of the registry, as tokenhub records them. */
import { sql } from 'kysely';
import type { Repository } from '../core/repository-access.ts';
import type { HubRepository, RepositoryOrdering } from '../core/repository-facts.ts';
import { compiledOnce } from './compiled-once.ts';
import type { Db, PageWindow } from './database.ts';
import { detailsFromRow, findRepositoryDetails } from './repository-details.repository.ts';
import type { RepositoriesTable } from './schema.ts';
import { containsText } from './text-match.ts';

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

/** Which of a namespace's repositories a list shows, and in which order. */
export interface RepositoryListQuery {
  /** Hide private ones, except those `privateGrantedTo` names. */
  publicOnly: boolean;
  /**
   * The private repositories of the organization `orgId` that a group of `userId` has any
   * permission on (an organization member's view).
   */
  privateGrantedTo?: { orgId: string; userId: string };
  /** Only names containing this. */
  nameContains?: string;
  ordering?: RepositoryOrdering;
}

const orderColumns = {
  name: 'r.name',
  last_updated: 'r.updated_at',
  pull_count: 'pull_count',
} as const;

/**
 * One page of a namespace's repositories with their details, and how many match. Ordered by
 * `ordering` (Docker Hub's), by name by default; ties by name.
 */
export async function listNamespaceRepositories(
  db: Db,
  namespace: string,
  options: PageWindow & RepositoryListQuery,
): Promise<{ repositories: HubRepository[]; total: number }> {
  let base = db.selectFrom('repositories as r').where('r.namespace', '=', namespace);
  const granted = options.privateGrantedTo;
  if (options.publicOnly && granted) {
    base = base.where((eb) =>
      eb.or([
        eb('r.is_private', '=', 0),
        eb(
          'r.name',
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
    base = base.where('r.is_private', '=', 0);
  }
  if (options.nameContains) base = base.where(containsText('r.name', options.nameContains));
  const ordering = options.ordering ?? 'name';
  const descending = ordering.startsWith('-');
  const column = orderColumns[ordering.replace('-', '') as keyof typeof orderColumns];
  const rows = await base
    .leftJoin('repository_details as d', 'd.repository_id', 'r.id')
    .selectAll('r')
    .select([
      'd.full_description',
      'd.last_pushed_at',
      'd.last_pulled_at',
      'd.media_types',
      sql<number>`coalesce(d.pull_count, 0)`.as('pull_count'),
    ])
    .orderBy(sql.ref(column), descending ? 'desc' : 'asc')
    .orderBy('r.name')
    .limit(options.limit)
    .offset(options.offset)
    .execute();
  const { total } = await base
    .select((eb) => eb.fn.countAll<string | number>().as('total'))
    .executeTakeFirstOrThrow();
  return {
    repositories: rows.map((row) => ({
      ...repositoryFromRow(row),
      details: detailsFromRow(
        row.full_description === null ? undefined : { ...row, full_description: row.full_description },
      ),
    })),
    total: Number(total),
  };
}

/** A repository with its details. */
export async function findHubRepository(
  db: Db,
  namespace: string,
  name: string,
): Promise<HubRepository | undefined> {
  const repository = await findRepository(db, namespace, name);
  return repository && { ...repository, details: await findRepositoryDetails(db, repository.id) };
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
