/**
 * Repositories as the Hub API shows them (Docker Hub's `repository_list_entry` and
 * `repository_info`), from what the repository service returns.
 */
import { AppError } from '../core/errors.ts';
import { contentTypesOf, type HubRepository, type RepositoryOrdering } from '../core/repository-facts.ts';
import { listRepositories, type RepositoryView } from '../services/repositories/repository.service.ts';
import type { ServiceContext } from '../services/shared/context.ts';
import type { Principal } from '../services/sign-in/who-asks.ts';
import type {
  RepositoryListEntry,
  RepositoryObject,
  RepositoryPage,
} from './contract/repositories.contract.ts';
import { pageLinks, pageRequest } from './pagination.ts';

export function toRepositoryListEntry(repository: HubRepository): RepositoryListEntry {
  const { details } = repository;
  return {
    name: repository.name,
    namespace: repository.namespace,
    repository_type: 'image',
    status: 1,
    status_description: 'active',
    description: repository.description,
    is_private: repository.isPrivate,
    star_count: 0,
    pull_count: details.pullCount,
    last_updated: repository.updatedAt,
    last_modified: repository.updatedAt,
    date_registered: repository.createdAt,
    affiliation: '',
    media_types: details.mediaTypes,
    content_types: contentTypesOf(details.mediaTypes),
    categories: [],
  };
}

export function toRepositoryObject({ repository, allowed }: RepositoryView): RepositoryObject {
  return {
    ...toRepositoryListEntry(repository),
    user: repository.namespace,
    hub_user: repository.namespace,
    is_automated: false,
    collaborator_count: 0,
    has_starred: false,
    full_description: repository.details.fullDescription,
    permissions: { read: allowed.has('pull'), write: allowed.has('push'), admin: allowed.has('delete') },
    immutable_tags_settings: { enabled: false, rules: [] },
    storage_size: null,
    source: null,
  };
}

/**
 * One page of a namespace's repositories as Docker Hub answers it: a page past the last (other
 * than the first) is 404, the filters are kept in `next` and `previous`.
 * @throws AppError NOT_FOUND past the last page, and as `listRepositories`.
 */
export async function repositoryListPage(
  ctx: ServiceContext,
  principal: Principal | undefined,
  namespace: string,
  query: { page?: number; page_size?: number; name?: string; ordering?: RepositoryOrdering },
  path: string,
): Promise<RepositoryPage> {
  const page = pageRequest(query);
  const { name, ordering } = query;
  const { repositories, total } = await listRepositories(
    ctx,
    principal,
    namespace,
    { nameContains: name, ordering },
    page,
  );
  if (page.page > 1 && page.offset >= total) {
    throw new AppError('NOT_FOUND', `page ${page.page} is past the last page of ${namespace}'s repositories`);
  }
  return {
    count: total,
    ...pageLinks(ctx.config.publicUrl, path, page, total, { name, ordering }),
    results: repositories.map(toRepositoryListEntry),
  };
}
