/**
 * The Hub's facts about repositories beside their access records: the full description, and what
 * the registry's notifications report (pulls, pushes, media types, tags). Counters and times are
 * updated in one statement each (`pull_count + 1`, the later of two times), so concurrent
 * notifications handled by several processes never lose a pull.
 */
import { type Expression, sql } from 'kysely';
import type { RepositoryDetails, TagFacts } from '../core/repository-facts.ts';
import { noRepositoryDetails } from '../core/repository-facts.ts';
import type { Db } from './database.ts';
import type { RepositoryDetailsTable, RepositoryTagsTable } from './schema.ts';

/** A details row's columns; all null for a repository without one (a left join). */
type DetailColumns = {
  [K in Exclude<keyof RepositoryDetailsTable, 'repository_id'>]?: RepositoryDetailsTable[K] | null;
};

export function detailsFromRow(row: DetailColumns | undefined): RepositoryDetails {
  if (!row) return noRepositoryDetails;
  const mediaTypes: unknown = JSON.parse(row.media_types ?? '[]');
  return {
    fullDescription: row.full_description ?? '',
    pullCount: Number(row.pull_count ?? 0),
    lastPushedAt: row.last_pushed_at ?? null,
    lastPulledAt: row.last_pulled_at ?? null,
    mediaTypes: Array.isArray(mediaTypes) ? mediaTypes.filter((t): t is string => typeof t === 'string') : [],
  };
}

/** A details row with nothing known yet, to insert before the first fact. */
function emptyRow(repositoryId: string): RepositoryDetailsTable {
  return {
    repository_id: repositoryId,
    full_description: '',
    pull_count: 0,
    last_pushed_at: null,
    last_pulled_at: null,
    media_types: '[]',
  };
}

function tagFromRow(row: RepositoryTagsTable): TagFacts {
  return {
    tag: row.tag,
    digest: row.digest,
    mediaType: row.media_type,
    pushedAt: row.pushed_at,
    pushedBy: row.pushed_by,
    pulledAt: row.pulled_at,
  };
}

/** The later of a column and a time (ISO 8601 UTC text sorts as time). */
function later(column: string, at: string): Expression<string> {
  return sql<string>`case when ${sql.ref(column)} is null or ${sql.ref(column)} < ${at} then ${at} else ${sql.ref(column)} end`;
}

export async function findRepositoryDetails(db: Db, repositoryId: string): Promise<RepositoryDetails> {
  const row = await db
    .selectFrom('repository_details')
    .selectAll()
    .where('repository_id', '=', repositoryId)
    .executeTakeFirst();
  return detailsFromRow(row);
}

export async function saveFullDescription(db: Db, repositoryId: string, text: string): Promise<void> {
  await db
    .insertInto('repository_details')
    .values({ ...emptyRow(repositoryId), full_description: text })
    .onConflict((oc) => oc.column('repository_id').doUpdateSet({ full_description: text }))
    .execute();
}

/**
 * Records a notification's event id; false when it was recorded before (the registry redelivers
 * until it gets a 2xx, so the same event may arrive twice).
 */
export async function claimRegistryEvent(db: Db, id: string, at: string): Promise<boolean> {
  const result = await db
    .insertInto('registry_events')
    .values({ id, received_at: at })
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** A manifest pushed: the repository's last push and media types, and the tag (if pushed by tag). */
export async function recordPush(
  db: Db,
  repositoryId: string,
  push: { at: string; mediaType: string; digest: string; size: number; tag?: string; actor?: string },
): Promise<void> {
  const current = await findRepositoryDetails(db, repositoryId);
  const mediaTypes = current.mediaTypes.includes(push.mediaType)
    ? current.mediaTypes
    : [...current.mediaTypes, push.mediaType];
  await db
    .insertInto('repository_details')
    .values({ ...emptyRow(repositoryId), last_pushed_at: push.at, media_types: JSON.stringify(mediaTypes) })
    .onConflict((oc) =>
      oc.column('repository_id').doUpdateSet({
        last_pushed_at: later('repository_details.last_pushed_at', push.at),
        media_types: JSON.stringify(mediaTypes),
      }),
    )
    .execute();
  await db
    .updateTable('repositories')
    .set({ updated_at: later('updated_at', push.at) })
    .where('id', '=', repositoryId)
    .execute();
  if (push.tag === undefined) return;
  const tag = {
    digest: push.digest,
    media_type: push.mediaType,
    size: push.size,
    pushed_at: push.at,
    pushed_by: push.actor ?? null,
  };
  await db
    .insertInto('repository_tags')
    .values({ repository_id: repositoryId, tag: push.tag, ...tag })
    .onConflict((oc) => oc.columns(['repository_id', 'tag']).doUpdateSet(tag))
    .execute();
}

/** A manifest pulled (by tag or by digest): one more pull, and the last pull of the repository and its tags. */
export async function recordPull(
  db: Db,
  repositoryId: string,
  pull: { at: string; digest?: string; tag?: string },
): Promise<void> {
  await db
    .insertInto('repository_details')
    .values({ ...emptyRow(repositoryId), pull_count: 1, last_pulled_at: pull.at })
    .onConflict((oc) =>
      oc.column('repository_id').doUpdateSet({
        pull_count: sql`repository_details.pull_count + 1`,
        last_pulled_at: later('repository_details.last_pulled_at', pull.at),
      }),
    )
    .execute();
  const { tag, digest } = pull;
  if (tag === undefined && digest === undefined) return;
  await db
    .updateTable('repository_tags')
    .set({ pulled_at: later('pulled_at', pull.at) })
    .where('repository_id', '=', repositoryId)
    .where((eb) => (tag !== undefined ? eb('tag', '=', tag) : eb('digest', '=', digest ?? '')))
    .execute();
}

/** A manifest deleted: the tags pointing at it (or the one tag named) are gone. */
export async function recordDelete(
  db: Db,
  repositoryId: string,
  deleted: { digest?: string; tag?: string },
): Promise<void> {
  const { tag, digest } = deleted;
  if (tag === undefined && digest === undefined) return;
  await db
    .deleteFrom('repository_tags')
    .where('repository_id', '=', repositoryId)
    .where((eb) => (tag !== undefined ? eb('tag', '=', tag) : eb('digest', '=', digest ?? '')))
    .execute();
}

/** What notifications reported of the repository's tags, by tag name. */
export async function listTagFacts(db: Db, repositoryId: string): Promise<Map<string, TagFacts>> {
  const rows = await db
    .selectFrom('repository_tags')
    .selectAll()
    .where('repository_id', '=', repositoryId)
    .execute();
  return new Map(rows.map((row) => [row.tag, tagFromRow(row)]));
}

/** Forgets event ids received before `before` (a redelivery comes within minutes, not days). */
export async function pruneRegistryEvents(db: Db, before: string): Promise<number> {
  const result = await db.deleteFrom('registry_events').where('received_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
