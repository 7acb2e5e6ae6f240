/**
 * Personal access tokens (PROTOCOLS.md §1, accessToken) and organization access tokens
 * (orgAccessToken): Docker Hub's shapes, with tokenhub's additions marked as extensions.
 */
import { type Static, type TStringOptions, Type } from 'typebox';
import { tokenLabelMaxLength } from '../../core/access-token-rules.ts';
import { patScopes } from '../../core/access-token-scopes.ts';
import { maxAllowedCidrs } from '../../core/address-allowlist.ts';
import { maxPatResources, patResourceScopes, publicReadPath } from '../../core/pat-resources.ts';

const nullableString = (options: TStringOptions = {}) => Type.Union([Type.String(options), Type.Null()]);
const tokenStatus = (description: string) =>
  Type.Union([Type.Literal('active'), Type.Literal('inactive'), Type.Literal('expired')], { description });

/** tokenhub extension: the networks a token may be used from. */
const allowedCidrsOut = Type.Array(Type.String(), {
  description:
    'tokenhub extension: networks (CIDR) the token may be used from; empty: anywhere. Elsewhere, /token and the Hub login routes refuse it.',
});
const allowedCidrsIn = Type.Array(Type.String({ maxLength: 64 }), {
  maxItems: maxAllowedCidrs,
  description: `tokenhub extension: IPv4 or IPv6 networks (\`10.0.0.0/8\`, \`2001:db8::/32\`, or one address), at most ${maxAllowedCidrs}; empty: anywhere.`,
});
const lastUsedIps = Type.Array(
  Type.Object({
    ip: Type.String(),
    first_seen: Type.String({ format: 'date-time' }),
    last_seen: Type.String({ format: 'date-time' }),
  }),
  { description: 'tokenhub extension: the last five distinct client addresses, most recent first.' },
);
export type LastUsedIpObject = Static<typeof lastUsedIps>[number];

const patResourceOut = Type.Object({
  type: Type.Literal('TYPE_REPO'),
  path: Type.String(),
  scopes: Type.Array(Type.String()),
});
const patResourceIn = Type.Object({
  type: Type.Optional(Type.String({ maxLength: 16, description: 'TYPE_REPO (the default)' })),
  path: Type.String({ maxLength: 300 }),
  scopes: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 8 }),
});
const patResourceList = Type.Array(patResourceIn, {
  maxItems: maxPatResources + 10,
  description: `tokenhub extension (fine-grained token): at most ${maxPatResources} repositories \`namespace/repo\` or \`namespace/*\` in namespaces the owner reaches, or \`${publicReadPath}\`; scopes ${patResourceScopes.join(', ')} (push and delete imply pull). What the token may do is its resources ∩ its level ∩ the owner's rights at each use. Without scopes, a token with resources gets repo:admin, so its resources alone decide. \`[]\` on update makes it a plain token again.`,
});

export const accessTokenObject = Type.Object({
  uuid: Type.String({ format: 'uuid' }),
  client_id: Type.String(),
  creator_ip: Type.String(),
  creator_ua: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
  last_used: nullableString({ format: 'date-time' }),
  generated_by: Type.Union([Type.Literal('manual'), Type.Literal('auto')]),
  is_active: Type.Boolean(),
  token: Type.String({ description: 'The secret: only in the create response, "" elsewhere.' }),
  token_label: Type.String(),
  scopes: Type.Array(Type.String()),
  expires_at: nullableString({ format: 'date-time' }),
  status: tokenStatus('tokenhub extension: active, inactive (deactivated) or expired.'),
  last_used_ip: nullableString({ description: 'tokenhub extension: address of the last use.' }),
  last_used_ua: nullableString({ description: 'tokenhub extension: client (user agent) of the last use.' }),
  token_hint: Type.String({ description: 'tokenhub extension: non-secret start of the secret.' }),
  resources: Type.Array(patResourceOut, {
    description: 'tokenhub extension: the repositories of a fine-grained token; empty: its level alone.',
  }),
  allowed_cidrs: allowedCidrsOut,
  last_used_ips: lastUsedIps,
});
export type AccessTokenObject = Static<typeof accessTokenObject>;
export type TokenStatus = AccessTokenObject['status'];

const scopeList = Type.Array(Type.String({ maxLength: 64 }), {
  maxItems: 8,
  description: `One of ${patScopes.join(', ')} (highest first implies the lower ones).`,
});

/** A token's label: 1-100 characters once trimmed (Docker Hub's bounds, enforced by the core rules). */
const tokenLabel = (description?: string) =>
  Type.String({ minLength: 1, maxLength: tokenLabelMaxLength, ...(description ? { description } : {}) });

export const accessTokenCreateBody = Type.Object({
  token_label: Type.Optional(
    tokenLabel('Without one, the token gets a generated label (as on Docker Hub; hub-tool sends none).'),
  ),
  scopes: Type.Optional(scopeList),
  expires_at: Type.Optional(nullableString({ maxLength: 64 })),
  resources: Type.Optional(patResourceList),
  allowed_cidrs: Type.Optional(allowedCidrsIn),
});

export const accessTokenUpdateBody = Type.Object({
  token_label: Type.Optional(tokenLabel()),
  is_active: Type.Optional(Type.Boolean()),
  scopes: Type.Optional(scopeList),
  resources: Type.Optional(patResourceList),
  allowed_cidrs: Type.Optional(allowedCidrsIn),
});

export const accessTokenPage = Type.Object({
  count: Type.Integer(),
  next: nullableString(),
  previous: nullableString(),
  active_count: Type.Integer(),
  results: Type.Array(accessTokenObject),
});
export type AccessTokenPage = Static<typeof accessTokenPage>;

export const bulkDeleteBody = Type.Object({
  uuids: Type.Array(Type.String({ format: 'uuid' }), { minItems: 1, maxItems: 100 }),
});

const nullableDate = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);

const resourceInput = Type.Object({
  type: Type.String({ maxLength: 16, description: 'TYPE_REPO or TYPE_ORG' }),
  path: Type.String({ maxLength: 300 }),
  scopes: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 8 }),
});
const resourceList = Type.Array(resourceInput, { maxItems: 60, description: 'At most 50 repositories.' });

export const orgAccessTokenObject = Type.Object({
  id: Type.String({ format: 'uuid' }),
  label: Type.String(),
  description: Type.String(),
  created_by: Type.String({ description: 'Username of the owner who created it.' }),
  is_active: Type.Boolean(),
  created_at: Type.String({ format: 'date-time' }),
  expires_at: nullableDate,
  last_used_at: nullableDate,
  resources: Type.Array(
    Type.Object({ type: Type.String(), path: Type.String(), scopes: Type.Array(Type.String()) }),
  ),
  token: Type.Optional(Type.String({ description: 'The secret: only in the create response.' })),
  status: tokenStatus('tokenhub extension.'),
  last_used_ip: Type.Union([Type.String(), Type.Null()], { description: 'tokenhub extension.' }),
  last_used_ua: Type.Union([Type.String(), Type.Null()], { description: 'tokenhub extension.' }),
  token_hint: Type.String({ description: 'tokenhub extension: non-secret start of the secret.' }),
  allowed_cidrs: allowedCidrsOut,
  last_used_ips: lastUsedIps,
});
export type OrgAccessTokenObject = Static<typeof orgAccessTokenObject>;
export type OatResourceObject = OrgAccessTokenObject['resources'][number];

export const orgAccessTokenCreateBody = Type.Object({
  label: tokenLabel(),
  description: Type.Optional(Type.String({ maxLength: 1000 })),
  resources: resourceList,
  expires_at: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
  allowed_cidrs: Type.Optional(allowedCidrsIn),
});

export const orgAccessTokenUpdateBody = Type.Object({
  label: Type.Optional(tokenLabel()),
  description: Type.Optional(Type.String({ maxLength: 1000 })),
  resources: Type.Optional(resourceList),
  is_active: Type.Optional(Type.Boolean()),
  allowed_cidrs: Type.Optional(allowedCidrsIn),
});

export const orgAccessTokenPage = Type.Object({
  total: Type.Integer(),
  next: Type.Union([Type.String(), Type.Null()]),
  previous: Type.Union([Type.String(), Type.Null()]),
  results: Type.Array(orgAccessTokenObject),
});
export type OrgAccessTokenPage = Static<typeof orgAccessTokenPage>;
