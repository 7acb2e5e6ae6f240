/**
 * OIDC connections, task-shaped; every function takes the db or a transaction first. Rows are
 * mapped to core's `OidcConnection` here: the rulesets JSON is parsed and checked on the way out,
 * and an entry that is not a well-formed ruleset or resource is dropped (it grants nothing).
 */
import type { OidcConnection, OidcRepoScope, OidcResource, OidcRuleset } from '../core/oidc-rules.ts';
import type { Db, PageWindow } from './database.ts';
import type { OidcConnectionsTable } from './schema.ts';
import { inTransaction } from './transaction.ts';

/** Whose connections: a user's or an organization's. */
export interface ConnectionOwnerRef {
  kind: 'user' | 'org';
  id: string;
}

const knownScopes: readonly string[] = ['scope-image-pull', 'scope-image-push', 'scope-image-delete'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function storedResources(value: unknown): OidcResource[] {
  if (!Array.isArray(value)) return [];
  const resources: OidcResource[] = [];
  for (const entry of value) {
    if (!isRecord(entry) || entry.type !== 'TYPE_REPO' || typeof entry.path !== 'string') continue;
    const scopes = Array.isArray(entry.scopes)
      ? entry.scopes.filter((scope): scope is OidcRepoScope => knownScopes.includes(scope as string))
      : [];
    resources.push({ type: 'TYPE_REPO', path: entry.path, scopes });
  }
  return resources;
}

/** The stored rulesets; one without a subject pattern is dropped (it could match nothing safely). */
function storedRulesets(json: string): OidcRuleset[] {
  const parsed: unknown = JSON.parse(json);
  if (!Array.isArray(parsed)) return [];
  const rulesets: OidcRuleset[] = [];
  for (const entry of parsed) {
    if (!isRecord(entry) || typeof entry.subject !== 'string' || entry.subject === '') continue;
    const claims: Record<string, string> = {};
    if (isRecord(entry.claims)) {
      for (const [name, pattern] of Object.entries(entry.claims)) {
        if (typeof pattern === 'string') claims[name] = pattern;
      }
    }
    rulesets.push({
      label: typeof entry.label === 'string' ? entry.label : '',
      subject: entry.subject,
      claims,
      resources: storedResources(entry.resources),
    });
  }
  return rulesets;
}

/** Parses stored resources (an exchanged token's grant). */
export function storedResourcesJson(json: string): OidcResource[] {
  return storedResources(JSON.parse(json));
}

export function connectionFromRow(row: OidcConnectionsTable): OidcConnection {
  return {
    id: row.id,
    ownerKind: row.owner_kind,
    ownerId: row.owner_id,
    label: row.label,
    issuer: row.issuer,
    audience: row.audience,
    tokenTtlSeconds: Number(row.token_ttl_seconds),
    singleUse: Number(row.single_use) === 1,
    isActive: Number(row.is_active) === 1,
    rulesets: storedRulesets(row.rulesets),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    createdBy: row.created_by,
    lastUsedAt: row.last_used_at,
  };
}

export async function insertConnection(db: Db, connection: OidcConnection): Promise<void> {
  await db
    .insertInto('oidc_connections')
    .values({
      id: connection.id,
      owner_kind: connection.ownerKind,
      owner_id: connection.ownerId,
      label: connection.label,
      issuer: connection.issuer,
      audience: connection.audience,
      token_ttl_seconds: connection.tokenTtlSeconds,
      single_use: connection.singleUse ? 1 : 0,
      is_active: connection.isActive ? 1 : 0,
      rulesets: JSON.stringify(connection.rulesets),
      created_at: connection.createdAt,
      updated_at: connection.updatedAt,
      created_by: connection.createdBy,
      last_used_at: connection.lastUsedAt,
    })
    .execute();
}

export type ConnectionWithCreator = OidcConnection & { creatorName: string | null };

function ownedConnections(db: Db, owner: ConnectionOwnerRef) {
  return db
    .selectFrom('oidc_connections as c')
    .leftJoin('users as creator', 'creator.id', 'c.created_by')
    .selectAll('c')
    .select('creator.username as creator_name')
    .where('c.owner_kind', '=', owner.kind)
    .where('c.owner_id', '=', owner.id);
}

function withCreator(row: OidcConnectionsTable & { creator_name: string | null }): ConnectionWithCreator {
  return { ...connectionFromRow(row), creatorName: row.creator_name };
}

export async function findOwnedConnection(
  db: Db,
  owner: ConnectionOwnerRef,
  id: string,
): Promise<ConnectionWithCreator | undefined> {
  const row = await ownedConnections(db, owner).where('c.id', '=', id).executeTakeFirst();
  return row && withCreator(row);
}

/** One page of an owner's connections, oldest first, and how many there are. */
export async function listOwnedConnections(
  db: Db,
  owner: ConnectionOwnerRef,
  page: PageWindow,
): Promise<{ connections: ConnectionWithCreator[]; total: number }> {
  const rows = await ownedConnections(db, owner)
    .orderBy('c.created_at', 'asc')
    .orderBy('c.id', 'asc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return { connections: rows.map(withCreator), total: await countOwnedConnections(db, owner) };
}

/** Every connection of an owner, active or not (the per-owner cap counts them all). */
export async function countOwnedConnections(db: Db, owner: ConnectionOwnerRef): Promise<number> {
  const { total } = await db
    .selectFrom('oidc_connections')
    .select((eb) => eb.fn.countAll<string | number>().as('total'))
    .where('owner_kind', '=', owner.kind)
    .where('owner_id', '=', owner.id)
    .executeTakeFirstOrThrow();
  return Number(total);
}

/** What an update may change. */
export interface ConnectionChanges {
  label?: string;
  issuer?: string;
  audience?: string;
  tokenTtlSeconds?: number;
  singleUse?: boolean;
  isActive?: boolean;
  rulesets?: readonly OidcRuleset[];
}

/** @returns whether a connection of `owner` with this id was there. */
export async function updateOwnedConnection(
  db: Db,
  owner: ConnectionOwnerRef,
  id: string,
  changes: ConnectionChanges,
  at: string,
): Promise<boolean> {
  const set: Partial<OidcConnectionsTable> = { updated_at: at };
  if (changes.label !== undefined) set.label = changes.label;
  if (changes.issuer !== undefined) set.issuer = changes.issuer;
  if (changes.audience !== undefined) set.audience = changes.audience;
  if (changes.tokenTtlSeconds !== undefined) set.token_ttl_seconds = changes.tokenTtlSeconds;
  if (changes.singleUse !== undefined) set.single_use = changes.singleUse ? 1 : 0;
  if (changes.isActive !== undefined) set.is_active = changes.isActive ? 1 : 0;
  if (changes.rulesets !== undefined) set.rulesets = JSON.stringify(changes.rulesets);
  const result = await db
    .updateTable('oidc_connections')
    .set(set)
    .where('owner_kind', '=', owner.kind)
    .where('owner_id', '=', owner.id)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Deletes a connection with its tokens, used `jti` values and failures (in one transaction, so a
 * store without foreign-key enforcement keeps no orphans).
 * @returns whether it was there.
 */
export async function deleteOwnedConnection(db: Db, owner: ConnectionOwnerRef, id: string): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    const found = await tx
      .selectFrom('oidc_connections')
      .select('id')
      .where('owner_kind', '=', owner.kind)
      .where('owner_id', '=', owner.id)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!found) return false;
    await tx.deleteFrom('oidc_tokens').where('connection_id', '=', id).execute();
    await tx.deleteFrom('oidc_used_jtis').where('connection_id', '=', id).execute();
    await tx.deleteFrom('oidc_failures').where('connection_id', '=', id).execute();
    await tx.deleteFrom('oidc_connections').where('id', '=', id).execute();
    return true;
  });
}

/** A connection by id alone (the exchange names it); undefined when there is none. */
export async function findConnectionById(db: Db, id: string): Promise<OidcConnection | undefined> {
  const row = await db.selectFrom('oidc_connections').selectAll().where('id', '=', id).executeTakeFirst();
  return row && connectionFromRow(row);
}

/** An owner's connections that trust `issuer`, oldest first (an identity token used at `/token`). */
export async function findOwnedConnectionsByIssuer(
  db: Db,
  owner: ConnectionOwnerRef,
  issuer: string,
): Promise<OidcConnection[]> {
  const rows = await db
    .selectFrom('oidc_connections')
    .selectAll()
    .where('owner_kind', '=', owner.kind)
    .where('owner_id', '=', owner.id)
    .where('issuer', '=', issuer)
    .orderBy('created_at', 'asc')
    .orderBy('id', 'asc')
    .execute();
  return rows.map(connectionFromRow);
}

/** Records a successful exchange's time (never moves it backwards). */
export async function touchConnection(db: Db, id: string, at: string): Promise<void> {
  await db
    .updateTable('oidc_connections')
    .set({ last_used_at: at })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', at)]))
    .execute();
}
