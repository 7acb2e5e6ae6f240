/**
 * A repository's tags for the Hub API (`GET …/repositories/{ns}/{repo}/tags[/{tag}]`): who may see
 * the repository is the repository service's rule (a private one the caller may not pull is 404);
 * the tags are the registry's own (read with registry-reader.ts); when they were pushed and pulled,
 * and by whom, is what the registry's notifications reported (empty without them).
 */
import { AppError } from '../core/errors.ts';
import type { TagFacts } from '../core/repository-facts.ts';
import { getRepository } from '../services/repositories/repository.service.ts';
import type { ServiceContext } from '../services/shared/context.ts';
import type { Principal } from '../services/sign-in/who-asks.ts';
import type { PageWindow } from '../storage/database.ts';
import { listTagFacts } from '../storage/repository-details.repository.ts';
import type { RegistryReader, RegistryTag } from './registry-reader.ts';

export interface TagView {
  registry: RegistryTag;
  /** What notifications reported; undefined when none did. */
  facts: TagFacts | undefined;
}

/** @throws AppError NOT_FOUND when tokenhub is not told where the registry is. */
function requireReader(reader: RegistryReader | undefined): RegistryReader {
  if (!reader) {
    throw new AppError(
      'NOT_FOUND',
      'tags are not served: TOKENHUB_REGISTRY_URL is not set (docs/repositories.md)',
    );
  }
  return reader;
}

/** How a tag list is ordered: by name, or by the last push reported (never-reported tags last). */
export type TagOrder = 'name' | '-name' | 'last_updated' | '-last_updated';

function orderNames(names: readonly string[], order: TagOrder, facts: Map<string, TagFacts>): string[] {
  const byName = [...names].sort();
  if (order === 'name') return byName;
  if (order === '-name') return byName.reverse();
  const pushed = (name: string) => facts.get(name)?.pushedAt ?? null;
  const descending = order === '-last_updated';
  return byName.sort((a, b) => {
    const [x, y] = [pushed(a), pushed(b)];
    if (x === y) return 0;
    if (x === null) return 1;
    if (y === null) return -1;
    return (x < y ? -1 : 1) * (descending ? -1 : 1);
  });
}

/**
 * One page of the repository's tags in `order` (by name by default), and how many there are.
 * @throws AppError NOT_FOUND (not configured), REPOSITORY_NOT_FOUND, NAMESPACE_NOT_FOUND,
 *   REGISTRY_UNAVAILABLE.
 */
export async function listRepositoryTags(
  ctx: ServiceContext,
  reader: RegistryReader | undefined,
  principal: Principal | undefined,
  path: { namespace: string; name: string },
  page: PageWindow,
  order: TagOrder = 'name',
): Promise<{ tags: TagView[]; total: number }> {
  const registry = requireReader(reader);
  const { repository } = await getRepository(ctx, principal, path.namespace, path.name);
  const fullName = `${repository.namespace}/${repository.name}`;
  const facts = await listTagFacts(ctx.db, repository.id);
  const names = orderNames(await registry.tagNames(fullName), order, facts);
  const described = await registry.describeTags(fullName, names.slice(page.offset, page.offset + page.limit));
  return {
    tags: described.map((tag) => ({ registry: tag, facts: facts.get(tag.name) })),
    total: names.length,
  };
}

/**
 * One tag of the repository.
 * @throws AppError as {@link listRepositoryTags}; NOT_FOUND for a tag the registry does not have.
 */
export async function getRepositoryTag(
  ctx: ServiceContext,
  reader: RegistryReader | undefined,
  principal: Principal | undefined,
  path: { namespace: string; name: string },
  tag: string,
): Promise<TagView> {
  const registry = requireReader(reader);
  const { repository } = await getRepository(ctx, principal, path.namespace, path.name);
  const fullName = `${repository.namespace}/${repository.name}`;
  const [described] = await registry.describeTags(fullName, [tag]);
  if (!described) throw new AppError('NOT_FOUND', `tag not found: ${fullName}:${tag.slice(0, 128)}`);
  const facts = await listTagFacts(ctx.db, repository.id);
  return { registry: described, facts: facts.get(tag) };
}
