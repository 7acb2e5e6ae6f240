/**
 * A repository's tags for the Hub API (`GET …/repositories/{ns}/{repo}/tags[/{tag}]`, and hub-tool's
 * `DELETE /v2/repositories/{ns}/{repo}/tags/{tag}/`): who may see
 * the repository is the repository service's rule (a private one the caller may not pull is 404);
 * the tags are the registry's own (read with registry-reader.ts); when they were pushed and pulled,
 * and by whom, is what the registry's notifications reported (empty without them).
 */
import { AppError } from '../core/errors.ts';
import type { TagFacts } from '../core/repository-facts.ts';
import { getRepository } from '../services/repositories/repository.service.ts';
import { findNamespaceOwner } from '../services/repositories/repository-rights.ts';
import { recordAudit } from '../services/shared/audit.service.ts';
import type { RequestMeta, ServiceContext } from '../services/shared/context.ts';
import { auditActorOf, type Principal } from '../services/sign-in/who-asks.ts';
import type { PageWindow } from '../storage/database.ts';
import { listTagFacts, recordDelete } from '../storage/repository-details.repository.ts';
import type { RawManifest, RegistryReader, RegistryTag } from './registry-reader.ts';

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

/**
 * Deletes one tag, as hub-tool's `tag rm` asks, and only that tag (Docker Hub's meaning). The
 * registry deletes manifests by digest, which takes every tag naming the same manifest with it, so
 * the tags sharing it are put back at once from the same bytes (same digest; no layer moves); a
 * pull of one of them in the milliseconds between is refused. Needs delete on the repository.
 * Recorded as `repo.tag.delete` with the caller as the actor (the registry's own notifications of
 * these calls are not recorded again).
 * @throws AppError as {@link getRepositoryTag}; FORBIDDEN without delete; TAG_DELETE_REFUSED when
 *   the registry allows no deletes; REGISTRY_UNAVAILABLE.
 */
export async function deleteRepositoryTag(
  ctx: ServiceContext,
  reader: RegistryReader | undefined,
  principal: Principal,
  path: { namespace: string; name: string },
  tag: string,
  meta: RequestMeta,
): Promise<void> {
  const registry = requireReader(reader);
  const { repository, allowed } = await getRepository(ctx, principal, path.namespace, path.name);
  const fullName = `${repository.namespace}/${repository.name}`;
  if (!allowed.has('delete')) {
    throw new AppError('FORBIDDEN', `deleting a tag of ${fullName} needs delete access (repo:admin)`);
  }
  const notFound = () => new AppError('NOT_FOUND', `tag not found: ${fullName}:${tag.slice(0, 128)}`);
  const digest = (await registry.tagDigests(fullName, [tag])).get(tag);
  if (!digest) throw notFound();
  const others = (await registry.tagNames(fullName)).filter((name) => name !== tag);
  const sharing = [...(await registry.tagDigests(fullName, others))]
    .filter(([, other]) => other === digest)
    .map(([name]) => name);
  const manifest = sharing.length > 0 ? await registry.rawManifest(fullName, digest) : undefined;
  if (!(await registry.deleteManifest(fullName, digest))) throw notFound();
  if (manifest) {
    for (const other of sharing) await putBack(ctx, registry, fullName, other, manifest);
  }
  await recordDelete(ctx.db, repository.id, { tag });
  const owner = await findNamespaceOwner(ctx, repository.namespace);
  await recordAudit(ctx, {
    account: { id: owner.id, name: owner.name },
    action: 'repo.tag.delete',
    name: fullName,
    actor: auditActorOf(principal),
    meta,
    data: { tag, digest },
  });
}

/** Puts a tag back after its manifest was deleted under another tag; tries twice, then says which. */
async function putBack(
  ctx: ServiceContext,
  registry: RegistryReader,
  fullName: string,
  tag: string,
  manifest: RawManifest,
): Promise<void> {
  try {
    await registry.putManifest(fullName, tag, manifest);
  } catch (first) {
    ctx.log.warn(
      { err: first, repository: fullName, tag },
      'putting a tag back after a tag delete failed; retrying',
    );
    try {
      await registry.putManifest(fullName, tag, manifest);
    } catch (error) {
      throw new AppError(
        'REGISTRY_UNAVAILABLE',
        `the registry did not take tag ${tag} back after the delete: push ${fullName}:${tag} again`,
        { cause: error },
      );
    }
  }
}
