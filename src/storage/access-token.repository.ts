/**
 * Access tokens of every kind (personal and organization), task-shaped; every function takes the
 * db or a transaction first. Rows are mapped to core's `AccessToken` here and nowhere else: the
 * `scopes` column holds a personal token's level list or an organization token's resources as
 * JSON, parsed and checked on the way out. The `/token` hot path reads tokens through
 * token-credential.repository.ts.
 */
import { sql } from 'kysely';
import type {
  AccessToken,
  AccessTokenWithCreator,
  OrgAccessToken,
  PersonalAccessToken,
  TokenOwner,
} from '../core/access-token-rules.ts';
import { isPatScope, type PatScope } from '../core/access-token-scopes.ts';
import { tokenKinds } from '../core/ids.ts';
import { type OatResource, orgScopes, repoScopes } from '../core/organization-rules.ts';
import { type PatResource, patResourceScopes } from '../core/pat-resources.ts';
import type { Db } from './database.ts';
import type { AccessTokensTable } from './schema.ts';
import {
  type AddressSighting,
  listTokenAddresses,
  writeAddressSightings,
} from './token-address.repository.ts';
import { inTransaction } from './transaction.ts';

/** The stored level list: unknown entries are dropped, and an empty list is the lowest level. */
function storedPatScopes(json: string): PatScope[] {
  const parsed: unknown = JSON.parse(json);
  const scopes = Array.isArray(parsed) ? parsed.filter((scope): scope is PatScope => isPatScope(scope)) : [];
  return scopes.length > 0 ? scopes : ['repo:public_read'];
}

const knownScopes: Record<OatResource['type'], readonly string[]> = {
  TYPE_REPO: repoScopes,
  TYPE_ORG: orgScopes,
};

/** The stored resources: entries that are not a resource with known scopes are dropped (they grant nothing). */
function storedOatResources(json: string): OatResource[] {
  const parsed: unknown = JSON.parse(json);
  if (!Array.isArray(parsed)) return [];
  const resources: OatResource[] = [];
  for (const entry of parsed as Array<Partial<Record<'type' | 'path' | 'scopes', unknown>>>) {
    const known =
      typeof entry?.type === 'string' ? knownScopes[entry.type as OatResource['type']] : undefined;
    if (!known || typeof entry.path !== 'string' || !Array.isArray(entry.scopes)) continue;
    const scopes = entry.scopes.filter((scope): scope is string => known.includes(scope as string));
    resources.push({ type: entry.type, path: entry.path, scopes } as OatResource);
  }
  return resources;
}

const noEntries: readonly never[] = Object.freeze([]);

/**
 * Parsed JSON lists by their stored text: a token's resources and allowlist are parsed once per
 * version of the token (its text changes with it), and the same array is handed out each time,
 * which lets core/address-allowlist.ts keep its compiled form per array. Bounded: cleared whole
 * past `maxCachedLists` texts.
 */
function cachedParser<T>(parse: (json: string) => readonly T[]): (json: string) => readonly T[] {
  const cache = new Map<string, readonly T[]>();
  return (json) => {
    if (json === '[]') return noEntries;
    let parsed = cache.get(json);
    if (!parsed) {
      if (cache.size >= maxCachedLists) cache.clear();
      parsed = Object.freeze(parse(json));
      cache.set(json, parsed);
    }
    return parsed;
  };
}
const maxCachedLists = 10_000;

/** The stored resources of a PAT: entries that are not a repository resource with known scopes are dropped. */
const storedPatResources = cachedParser<PatResource>((json) => {
  const parsed: unknown = JSON.parse(json);
  if (!Array.isArray(parsed)) return [];
  const resources: PatResource[] = [];
  for (const entry of parsed as Array<Partial<Record<'path' | 'scopes', unknown>>>) {
    if (typeof entry?.path !== 'string' || !Array.isArray(entry.scopes)) continue;
    const scopes = patResourceScopes.filter((scope) => (entry.scopes as unknown[]).includes(scope));
    resources.push({ type: 'TYPE_REPO', path: entry.path, scopes });
  }
  return resources;
});

const storedCidrs = cachedParser<string>((json) => {
  const parsed: unknown = JSON.parse(json);
  return Array.isArray(parsed) ? parsed.filter((cidr): cidr is string => typeof cidr === 'string') : [];
});

/**
 * Runs on every `/token` request with a token (token-credential.repository.ts): plain property
 * reads, no loops over the row.
 */
export function accessTokenFromRow(row: AccessTokensTable): AccessToken {
  const fields = {
    id: row.id,
    ownerId: row.owner_id,
    generatedBy: row.generated_by,
    label: row.label,
    description: row.description,
    hint: row.hint,
    clientId: row.client_id,
    createdAt: row.created_at,
    createdBy: row.created_by,
    creatorIp: row.creator_ip,
    creatorUa: row.creator_ua,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    lastUsedIp: row.last_used_ip,
    lastUsedUa: row.last_used_ua,
    isActive: row.is_active === 1,
    allowedCidrs: storedCidrs(row.allowed_cidrs),
  };
  return row.kind === 'oat'
    ? ({ ...fields, kind: 'oat', resources: storedOatResources(row.scopes) } satisfies OrgAccessToken)
    : ({
        ...fields,
        kind: 'pat',
        scopes: storedPatScopes(row.scopes),
        resources: storedPatResources(row.resources),
      } satisfies PersonalAccessToken);
}

/** Stores a new token; only the SHA-256 of its secret (`secretHash`) is kept. */
export async function insertAccessToken(db: Db, token: AccessToken, secretHash: string): Promise<void> {
  await db
    .insertInto('access_tokens')
    .values({
      id: token.id,
      owner_kind: tokenKinds[token.kind].ownerKind,
      owner_id: token.ownerId,
      kind: token.kind,
      generated_by: token.generatedBy,
      label: token.label,
      description: token.description,
      scopes: JSON.stringify(token.kind === 'oat' ? token.resources : token.scopes),
      secret_hash: secretHash,
      hint: token.hint,
      client_id: token.clientId,
      created_at: token.createdAt,
      created_by: token.createdBy,
      creator_ip: token.creatorIp,
      creator_ua: token.creatorUa,
      expires_at: token.expiresAt,
      last_used_at: token.lastUsedAt,
      last_used_ip: token.lastUsedIp,
      last_used_ua: token.lastUsedUa,
      is_active: token.isActive ? 1 : 0,
      resources: JSON.stringify(token.kind === 'pat' ? token.resources : []),
      allowed_cidrs: JSON.stringify(token.allowedCidrs),
    })
    .execute();
}

export async function findTokenById(db: Db, id: string): Promise<AccessToken | undefined> {
  const row = await db.selectFrom('access_tokens').selectAll().where('id', '=', id).executeTakeFirst();
  return row && accessTokenFromRow(row);
}

/** An owner's tokens with their creators' usernames, in one query. */
function ownedTokens(db: Db, owner: TokenOwner) {
  return db
    .selectFrom('access_tokens as t')
    .leftJoin('users as creator', 'creator.id', 't.created_by')
    .selectAll('t')
    .select('creator.username as creator_name')
    .where('t.owner_kind', '=', owner.kind)
    .where('t.owner_id', '=', owner.id);
}

type RowWithCreator = AccessTokensTable & { creator_name: string | null };

/** The tokens of `rows` with their creators and, in one more query for all of them, their addresses. */
async function withCreators(db: Db, rows: readonly RowWithCreator[]): Promise<AccessTokenWithCreator[]> {
  const addresses = await listTokenAddresses(
    db,
    rows.map((row) => row.id),
  );
  return rows.map((row) => ({
    ...accessTokenFromRow(row),
    creatorName: row.creator_name,
    addresses: addresses.get(row.id) ?? [],
  }));
}

export async function findOwnedToken(
  db: Db,
  owner: TokenOwner,
  id: string,
): Promise<AccessTokenWithCreator | undefined> {
  const row = await ownedTokens(db, owner).where('t.id', '=', id).executeTakeFirst();
  return row && (await withCreators(db, [row]))[0];
}

/** One page of an owner's tokens, newest first, with the owner's total and active counts. */
export async function listOwnedTokens(
  db: Db,
  owner: TokenOwner,
  page: { limit: number; offset: number },
): Promise<{ tokens: AccessTokenWithCreator[]; total: number; active: number }> {
  const rows = await ownedTokens(db, owner)
    .orderBy('t.created_at', 'desc')
    .orderBy('t.id', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  const counts = await db
    .selectFrom('access_tokens')
    .select((eb) => [
      eb.fn.countAll<string | number>().as('total'),
      eb.fn.sum<string | number>('is_active').as('active'),
    ])
    .where('owner_kind', '=', owner.kind)
    .where('owner_id', '=', owner.id)
    .executeTakeFirstOrThrow();
  return {
    tokens: await withCreators(db, rows),
    total: Number(counts.total),
    active: Number(counts.active ?? 0),
  };
}

/** All of an owner's tokens, whatever their state (the OAT cap counts expired and inactive ones). */
export async function countOwnedTokens(db: Db, owner: TokenOwner): Promise<number> {
  const { total } = await db
    .selectFrom('access_tokens')
    .select((eb) => eb.fn.countAll<string | number>().as('total'))
    .where('owner_kind', '=', owner.kind)
    .where('owner_id', '=', owner.id)
    .executeTakeFirstOrThrow();
  return Number(total);
}

/**
 * What an update may change; `scopes` and `patResources` apply to personal tokens, `resources` to
 * organization ones.
 */
export interface AccessTokenChanges {
  label?: string;
  description?: string;
  scopes?: readonly PatScope[];
  resources?: readonly OatResource[];
  patResources?: readonly PatResource[];
  allowedCidrs?: readonly string[];
  isActive?: boolean;
}

export async function updateOwnedToken(
  db: Db,
  owner: TokenOwner,
  id: string,
  changes: AccessTokenChanges,
): Promise<AccessTokenWithCreator | undefined> {
  const set: Partial<
    Pick<AccessTokensTable, 'label' | 'description' | 'scopes' | 'is_active' | 'resources' | 'allowed_cidrs'>
  > = {};
  if (changes.label !== undefined) set.label = changes.label;
  if (changes.description !== undefined) set.description = changes.description;
  const scopes = changes.resources ?? changes.scopes;
  if (scopes !== undefined) set.scopes = JSON.stringify(scopes);
  if (changes.isActive !== undefined) set.is_active = changes.isActive ? 1 : 0;
  if (changes.patResources !== undefined) set.resources = JSON.stringify(changes.patResources);
  if (changes.allowedCidrs !== undefined) set.allowed_cidrs = JSON.stringify(changes.allowedCidrs);
  if (Object.keys(set).length > 0) {
    await db
      .updateTable('access_tokens')
      .set(set)
      .where('owner_kind', '=', owner.kind)
      .where('owner_id', '=', owner.id)
      .where('id', '=', id)
      .execute();
  }
  return findOwnedToken(db, owner, id);
}

/** Deletes the listed tokens of one owner; returns how many went. Callers check the count. */
export async function deleteOwnedTokens(db: Db, owner: TokenOwner, ids: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await db
    .deleteFrom('access_tokens')
    .where('owner_kind', '=', owner.kind)
    .where('owner_id', '=', owner.id)
    .where('id', 'in', ids)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export interface LastUse {
  tokenId: string;
  at: string;
  ip: string;
  userAgent: string;
}

/**
 * Writes buffered last-used records, and the address sightings of the same interval, in one transaction, as a few multi-row `UPDATE … FROM (VALUES
 * …)` statements (SQLite ≥ 3.33 and PostgreSQL both have the form; `VALUES` columns are named
 * `column1`… in both). A record never moves `last_used_at` backwards, so two processes flushing out
 * of order stay correct. Token ids in one call are distinct (the recorder keeps one use per token).
 *
 * One UPDATE per token costs a round trip each on PostgreSQL and holds SQLite's event loop
 * (bench/README.md). Rows go in chunks of fixed sizes, largest first, so only five SQL texts
 * exist and each is prepared once per connection.
 */
export async function writeLastUses(
  db: Db,
  uses: readonly LastUse[],
  addresses: readonly AddressSighting[] = [],
): Promise<void> {
  if (uses.length === 0 && addresses.length === 0) return;
  await inTransaction(db, async (tx) => {
    for (let at = 0; at < uses.length; ) {
      const size = lastUseChunkSizes.find((n) => n <= uses.length - at) ?? 1;
      await writeLastUseChunk(tx, uses.slice(at, at + size));
      at += size;
    }
    // The address history (token-address.repository.ts) in the same transaction.
    await writeAddressSightings(tx, addresses);
  });
}

const lastUseChunkSizes = [256, 64, 16, 4, 1] as const;

async function writeLastUseChunk(db: Db, uses: readonly LastUse[]): Promise<void> {
  const rows = sql.join(uses.map((use) => sql`(${use.tokenId}, ${use.at}, ${use.ip}, ${use.userAgent})`));
  await sql`update access_tokens
    set last_used_at = v.column2, last_used_ip = v.column3, last_used_ua = v.column4
    from (values ${rows}) as v
    where access_tokens.id = v.column1
      and (access_tokens.last_used_at is null or access_tokens.last_used_at < v.column2)`.execute(db);
}
