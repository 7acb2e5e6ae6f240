/**
 * The registry's notifications (distribution's `notifications.endpoints`, pointed at
 * `POST /v2/registry/notifications`): what they report becomes the Hub's repository facts.
 *
 * - a manifest push: the repository's last push and media types, the tag (when pushed by tag)
 *   with its digest and pusher, and `repo.tag.push` in the namespace's audit log (Docker Hub's);
 * - a manifest GET: one pull (Docker Hub counts manifest pulls; HEAD requests, blobs and
 *   tokenhub's own reads of tags are not pulls), and the last pull of the repository and tag;
 * - a manifest delete: the tags that named it are gone (`repo.tag.delete`).
 *
 * The registry delivers at least once: each event's id is recorded in the same transaction as
 * its facts, so a redelivered event changes nothing. Events for repositories tokenhub has no
 * record of are ignored.
 */
import { splitRepositoryName } from '../../core/repository-access.ts';
import { hubReaderSubject, isManifestMediaType } from '../../core/repository-facts.ts';
import { findRepository } from '../../storage/image-repository.repository.ts';
import {
  claimRegistryEvent,
  pruneRegistryEvents,
  recordDelete,
  recordPull,
  recordPush,
} from '../../storage/repository-details.repository.ts';
import { inTransaction } from '../../storage/transaction.ts';
import { recordAudit } from '../shared/audit.service.ts';
import { isoNow, type RequestMeta, type ServiceContext } from '../shared/context.ts';
import type { MaintenanceTask } from '../shared/maintenance.ts';
import { findNamespaceOwner } from './repository-rights.ts';

/** One event of a notification envelope, as distribution sends it (only the fields used). */
export interface RegistryEvent {
  id: string;
  timestamp?: string;
  action: string;
  target?: {
    mediaType?: string;
    digest?: string;
    size?: number;
    length?: number;
    repository?: string;
    tag?: string;
  };
  request?: { method?: string };
  actor?: { name?: string };
}

export interface NotificationOutcome {
  applied: number;
  /** Delivered before (same event id). */
  repeated: number;
  /** Not about a manifest, a HEAD request, a mount, or a repository tokenhub does not know. */
  ignored: number;
}

type Fact =
  | { kind: 'push'; mediaType: string; digest: string; size: number; tag?: string; actor?: string }
  | { kind: 'pull'; digest?: string; tag?: string }
  | { kind: 'delete'; digest?: string; tag?: string };

/** What an event reports, or undefined when it reports nothing tokenhub keeps. */
function factOf(event: RegistryEvent): Fact | undefined {
  const target = event.target;
  if (!target) return undefined;
  const tag = target.tag || undefined;
  const digest = target.digest || undefined;
  // tokenhub's own calls are not facts: its reads are not pulls, and a tag deleted through the Hub
  // API (its manifest deleted, the tags sharing it put back) is recorded there, with who asked.
  if (event.actor?.name === hubReaderSubject) return undefined;
  if (event.action === 'delete') return { kind: 'delete', digest, tag };
  if (!target.mediaType || !isManifestMediaType(target.mediaType)) return undefined;
  if (event.action === 'pull') {
    if (event.request?.method?.toUpperCase() !== 'GET') return undefined;
    return { kind: 'pull', digest, tag };
  }
  if (event.action === 'push' && digest) {
    const size = target.size ?? target.length ?? 0;
    const actor = event.actor?.name || undefined;
    return { kind: 'push', mediaType: target.mediaType, digest, size, tag, actor };
  }
  return undefined;
}

/** The event's time if it is one, else now. */
function timeOf(ctx: ServiceContext, event: RegistryEvent): string {
  const at = event.timestamp ? new Date(event.timestamp) : undefined;
  return at && !Number.isNaN(at.getTime()) ? at.toISOString() : isoNow(ctx);
}

/** Applies every event of a notification envelope, each once. */
export async function applyRegistryEvents(
  ctx: ServiceContext,
  events: readonly RegistryEvent[],
  meta: RequestMeta,
): Promise<NotificationOutcome> {
  const outcome: NotificationOutcome = { applied: 0, repeated: 0, ignored: 0 };
  for (const event of events) {
    const fact = factOf(event);
    const path = event.target?.repository ? splitRepositoryName(event.target.repository) : undefined;
    const repository = fact && path && (await findRepository(ctx.db, path.namespace, path.name));
    if (!fact || !repository) {
      outcome.ignored++;
      continue;
    }
    const at = timeOf(ctx, event);
    const fresh = await inTransaction(ctx.db, async (tx) => {
      if (!(await claimRegistryEvent(tx, event.id, isoNow(ctx)))) return false;
      if (fact.kind === 'push') await recordPush(tx, repository.id, { ...fact, at });
      else if (fact.kind === 'pull') await recordPull(tx, repository.id, { ...fact, at });
      else await recordDelete(tx, repository.id, fact);
      return true;
    });
    if (!fresh) {
      outcome.repeated++;
      continue;
    }
    outcome.applied++;
    if (fact.kind === 'pull' || (fact.kind === 'push' && !fact.tag)) continue;
    const owner = await findNamespaceOwner(ctx, repository.namespace);
    await recordAudit(ctx, {
      account: { id: owner.id, name: owner.name },
      action: fact.kind === 'push' ? 'repo.tag.push' : 'repo.tag.delete',
      name: `${repository.namespace}/${repository.name}`,
      actor: { id: null, name: (fact.kind === 'push' && fact.actor) || 'registry' },
      meta,
      data: { tag: fact.tag ?? null, digest: fact.digest ?? null },
    });
  }
  return outcome;
}

/** How long an applied event's id is kept: the registry redelivers within its backoff, minutes. */
const rememberedDays = 7;

/** Hourly: forgets the ids of events applied more than a week ago. */
export const staleRegistryEvents: MaintenanceTask = async (ctx) => {
  const cutoff = new Date(ctx.clock.now().getTime() - rememberedDays * 86_400_000);
  await pruneRegistryEvents(ctx.db, cutoff.toISOString());
};
