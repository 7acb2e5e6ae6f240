/**
 * OIDC connections of an organization or of a user (docs/oidc.md): create, list, read, change
 * (activate and deactivate included), delete, and read the failure log. Owners manage their
 * organization's connections, users their own; the routes decide who the caller is. An
 * organization needs a tier with access tokens (a connection never grants more than an OAT could),
 * and at most `maxConnectionsPerOwner` connections are held, checked in one transaction under the
 * owner's lock so concurrent creations cannot pass it.
 */
import type { AccountRef } from '../../core/account-rules.ts';
import type { AuditAction } from '../../core/audit-actions.ts';
import { AppError, fieldError } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import {
  assertAudience,
  assertConnectionLabel,
  assertIssuerUrl,
  assertTokenLifetime,
} from '../../core/oidc-connection-rules.ts';
import {
  maxConnectionsPerOwner,
  type OidcConnection,
  type OidcConnectionView,
  type OidcFailure,
  type OidcOwner,
  parseRulesets,
  type RawRuleset,
} from '../../core/oidc-rules.ts';
import { oatLimitByTier } from '../../core/organization-rules.ts';
import type { Db, PageWindow } from '../../storage/database.ts';
import {
  type ConnectionChanges,
  type ConnectionWithCreator,
  countOwnedConnections,
  deleteOwnedConnection,
  findOwnedConnection,
  insertConnection,
  listOwnedConnections,
  updateOwnedConnection,
} from '../../storage/oidc-connection.repository.ts';
import { listFailures } from '../../storage/oidc-failure.repository.ts';
import { lockOrganization } from '../../storage/organization.repository.ts';
import { inTransaction } from '../../storage/transaction.ts';
import { lockUser } from '../../storage/user.repository.ts';
import { recordAudit } from '../shared/audit.service.ts';
import { isoNow, type RequestMeta, type ServiceContext } from '../shared/context.ts';

export interface NewConnection {
  label: string;
  issuer: string;
  /** Defaults to the instance's public URL. */
  audience?: string | undefined;
  tokenTtlSeconds?: number | undefined;
  singleUse?: boolean | undefined;
  rulesets: readonly RawRuleset[];
}

export type ConnectionUpdate = Partial<Omit<NewConnection, 'rulesets'>> & {
  rulesets?: readonly RawRuleset[] | undefined;
  isActive?: boolean | undefined;
};

function view(owner: OidcOwner, connection: ConnectionWithCreator): OidcConnectionView {
  return { ...connection, ownerName: owner.name };
}

function auditAction(owner: OidcOwner, verb: 'create' | 'update' | 'delete'): AuditAction {
  return `${owner.kind === 'org' ? 'org' : 'account'}.oidc_connection.${verb}`;
}

/** @throws AppError VALIDATION_FAILED naming `issuer` when the URL or the operator's list refuses it. */
function checkIssuer(ctx: ServiceContext, raw: string): string {
  const issuer = assertIssuerUrl(raw, { allowHttpLoopback: ctx.config.oidc.allowHttpLoopback });
  const allowed = ctx.config.oidc.allowedIssuers;
  if (allowed && !allowed.includes(issuer)) {
    throw fieldError(
      'issuer',
      `issuer ${issuer} is not allowed on this instance; allowed: ${allowed.join(', ')}`,
    );
  }
  return issuer;
}

/** Locks the owner's row for the cap; refuses an organization whose tier has no access tokens. */
async function lockOwner(tx: Db, owner: OidcOwner): Promise<void> {
  if (owner.kind === 'user') {
    if (!(await lockUser(tx, owner.id))) throw new AppError('USER_NOT_FOUND');
    return;
  }
  const org = await lockOrganization(tx, owner.id);
  if (!org) throw new AppError('ORG_NOT_FOUND');
  if (oatLimitByTier[org.tier] === 0) {
    throw new AppError(
      'OIDC_TIER_REQUIRED',
      `OIDC connections need a Team or Business organization; ${org.name} is on the ${org.tier} tier`,
    );
  }
}

/**
 * @throws AppError VALIDATION_FAILED, OIDC_TIER_REQUIRED, OIDC_CONNECTION_LIMIT_REACHED.
 */
export async function createConnection(
  ctx: ServiceContext,
  owner: OidcOwner,
  creator: AccountRef,
  input: NewConnection,
  meta: RequestMeta,
): Promise<OidcConnectionView> {
  const now = isoNow(ctx);
  const connection: OidcConnection = {
    id: newId(),
    ownerKind: owner.kind,
    ownerId: owner.id,
    label: assertConnectionLabel(input.label),
    issuer: checkIssuer(ctx, input.issuer),
    audience: assertAudience(input.audience ?? ctx.config.publicUrl),
    tokenTtlSeconds: assertTokenLifetime(input.tokenTtlSeconds),
    singleUse: input.singleUse ?? false,
    isActive: true,
    rulesets: parseRulesets(owner, input.rulesets),
    createdAt: now,
    updatedAt: now,
    createdBy: creator.id,
    lastUsedAt: null,
  };
  await inTransaction(ctx.db, async (tx) => {
    await lockOwner(tx, owner);
    const count = await countOwnedConnections(tx, owner);
    if (count >= maxConnectionsPerOwner) {
      throw new AppError(
        'OIDC_CONNECTION_LIMIT_REACHED',
        `${owner.name} has ${count} of ${maxConnectionsPerOwner} OIDC connections; delete one first`,
      );
    }
    await insertConnection(tx, connection);
  });
  await recordAudit(ctx, {
    account: { id: owner.id, name: owner.name },
    action: auditAction(owner, 'create'),
    name: connection.label,
    actor: { id: creator.id, name: creator.username },
    meta,
    data: {
      id: connection.id,
      issuer: connection.issuer,
      audience: connection.audience,
      rulesets: connection.rulesets,
    },
  });
  return view(owner, { ...connection, creatorName: creator.username });
}

export async function listConnections(
  ctx: ServiceContext,
  owner: OidcOwner,
  page: PageWindow,
): Promise<{ connections: OidcConnectionView[]; total: number }> {
  const { connections, total } = await listOwnedConnections(ctx.db, owner, page);
  return { connections: connections.map((connection) => view(owner, connection)), total };
}

/** @throws AppError OIDC_CONNECTION_NOT_FOUND */
export async function getConnection(
  ctx: ServiceContext,
  owner: OidcOwner,
  id: string,
): Promise<OidcConnectionView> {
  const connection = await findOwnedConnection(ctx.db, owner, id);
  if (!connection) throw new AppError('OIDC_CONNECTION_NOT_FOUND');
  return view(owner, connection);
}

/** The API's names of the fields an update changes, as its audit event lists them. */
const fieldNames: Record<keyof ConnectionChanges, string> = {
  label: 'label',
  issuer: 'issuer',
  audience: 'audience',
  tokenTtlSeconds: 'token_ttl_seconds',
  singleUse: 'single_use',
  isActive: 'is_active',
  rulesets: 'rulesets',
};

/**
 * Changes any field; `isActive: false` deactivates (every token exchanged at it is refused at
 * once, and so is every new exchange) and `true` reactivates. Tokens already exchanged keep the
 * resources they were given until they expire.
 * @throws AppError OIDC_CONNECTION_NOT_FOUND, VALIDATION_FAILED.
 */
export async function updateConnection(
  ctx: ServiceContext,
  owner: OidcOwner,
  actor: AccountRef,
  id: string,
  update: ConnectionUpdate,
  meta: RequestMeta,
): Promise<OidcConnectionView> {
  const changes: ConnectionChanges = {};
  if (update.label !== undefined) changes.label = assertConnectionLabel(update.label);
  if (update.issuer !== undefined) changes.issuer = checkIssuer(ctx, update.issuer);
  if (update.audience !== undefined) changes.audience = assertAudience(update.audience);
  if (update.tokenTtlSeconds !== undefined)
    changes.tokenTtlSeconds = assertTokenLifetime(update.tokenTtlSeconds);
  if (update.singleUse !== undefined) changes.singleUse = update.singleUse;
  if (update.isActive !== undefined) changes.isActive = update.isActive;
  if (update.rulesets !== undefined) changes.rulesets = parseRulesets(owner, update.rulesets);
  if (!(await updateOwnedConnection(ctx.db, owner, id, changes, isoNow(ctx)))) {
    throw new AppError('OIDC_CONNECTION_NOT_FOUND');
  }
  const connection = await getConnection(ctx, owner, id);
  await recordAudit(ctx, {
    account: { id: owner.id, name: owner.name },
    action: auditAction(owner, 'update'),
    name: connection.label,
    actor: { id: actor.id, name: actor.username },
    meta,
    data: {
      id,
      changed: (Object.keys(changes) as Array<keyof ConnectionChanges>).map((key) => fieldNames[key]),
    },
  });
  return connection;
}

/** Deletes a connection, its exchanged tokens (refused at once) and its failure log. @throws AppError OIDC_CONNECTION_NOT_FOUND */
export async function deleteConnection(
  ctx: ServiceContext,
  owner: OidcOwner,
  actor: AccountRef,
  id: string,
  meta: RequestMeta,
): Promise<void> {
  const connection = await getConnection(ctx, owner, id);
  if (!(await deleteOwnedConnection(ctx.db, owner, id))) throw new AppError('OIDC_CONNECTION_NOT_FOUND');
  await recordAudit(ctx, {
    account: { id: owner.id, name: owner.name },
    action: auditAction(owner, 'delete'),
    name: connection.label,
    actor: { id: actor.id, name: actor.username },
    meta,
    data: { id },
  });
}

/** One page of a connection's refused attempts, newest first. @throws AppError OIDC_CONNECTION_NOT_FOUND */
export async function listConnectionFailures(
  ctx: ServiceContext,
  owner: OidcOwner,
  id: string,
  page: PageWindow,
): Promise<{ failures: OidcFailure[]; total: number }> {
  await getConnection(ctx, owner, id);
  return listFailures(ctx.db, id, page);
}
