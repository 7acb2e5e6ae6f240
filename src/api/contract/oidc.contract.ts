/**
 * OIDC connections (docs/oidc.md): management under `/v2/orgs/{org}/oidc-connections` and
 * `/v2/users/me/oidc-connections`, their failure log, and the exchange `POST /v2/oidc/token`.
 * Resources use the organization access token shape (`TYPE_REPO`, path, scopes).
 */
import { type Static, Type } from 'typebox';
import {
  maxClaimConditionsPerRuleset,
  maxRulesetsPerConnection,
  oidcTokenLifetime,
} from '../../core/oidc-rules.ts';
import { nullableString, pageOf } from './common.contract.ts';

const repoScope = Type.Union(
  [Type.Literal('scope-image-pull'), Type.Literal('scope-image-push'), Type.Literal('scope-image-delete')],
  { description: 'push implies pull; delete (pull and delete) only on a personal namespace.' },
);

export const oidcResource = Type.Object({
  type: Type.Literal('TYPE_REPO'),
  path: Type.String({ maxLength: 300, description: '`<namespace>/<repository>` or `<namespace>/*`.' }),
  scopes: Type.Array(repoScope, { minItems: 1, maxItems: 3 }),
});
export type OidcResourceObject = Static<typeof oidcResource>;

export const oidcRuleset = Type.Object({
  label: Type.Optional(Type.String({ maxLength: 400 })),
  subject: Type.String({
    maxLength: 1000,
    description:
      'Pattern on `sub`: `*` matches any run of characters (`repo:acme/*`); it may not start with `*`.',
  }),
  claims: Type.Optional(
    Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 1000 }), {
      maxProperties: maxClaimConditionsPerRuleset,
      description:
        'Further claims that must match, exactly or as patterns (`{"environment": "production"}`).',
    }),
  ),
  resources: Type.Array(oidcResource, { minItems: 1, maxItems: 60 }),
});
export type OidcRulesetObject = Static<typeof oidcRuleset>;

const rulesets = Type.Array(oidcRuleset, {
  minItems: 1,
  maxItems: maxRulesetsPerConnection,
  description: `1 to ${maxRulesetsPerConnection} rulesets; a token gets the merged resources of every ruleset it matches.`,
});
const ttl = Type.Integer({
  minimum: oidcTokenLifetime.minSeconds,
  maximum: oidcTokenLifetime.maxSeconds,
  description: `Lifetime of exchanged tokens in seconds (default ${oidcTokenLifetime.defaultSeconds}).`,
});

export const oidcConnectionObject = Type.Object({
  id: Type.String({ format: 'uuid' }),
  owner: Type.String({ description: 'The organization or user whose namespace the connection grants in.' }),
  label: Type.String(),
  issuer: Type.String(),
  audience: Type.String(),
  token_ttl_seconds: Type.Integer(),
  single_use: Type.Boolean({ description: 'Each identity token (by `jti`) is accepted once.' }),
  is_active: Type.Boolean(),
  rulesets: Type.Array(oidcRuleset),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
  created_by: nullableString,
  last_used_at: nullableString,
});
export type OidcConnectionObject = Static<typeof oidcConnectionObject>;
export const oidcConnectionPage = pageOf(oidcConnectionObject);

export const oidcConnectionCreateBody = Type.Object({
  label: Type.String({ maxLength: 400 }),
  issuer: Type.String({ maxLength: 1000, description: 'e.g. https://token.actions.githubusercontent.com' }),
  audience: Type.Optional(
    Type.String({ maxLength: 1000, description: "Defaults to tokenhub's public URL." }),
  ),
  token_ttl_seconds: Type.Optional(ttl),
  single_use: Type.Optional(Type.Boolean()),
  rulesets,
});

export const oidcConnectionUpdateBody = Type.Object({
  label: Type.Optional(Type.String({ maxLength: 400 })),
  issuer: Type.Optional(Type.String({ maxLength: 1000 })),
  audience: Type.Optional(Type.String({ maxLength: 1000 })),
  token_ttl_seconds: Type.Optional(ttl),
  single_use: Type.Optional(Type.Boolean()),
  is_active: Type.Optional(
    Type.Boolean({ description: 'false deactivates: exchanges and tokens are refused at once.' }),
  ),
  rulesets: Type.Optional(rulesets),
});

export const oidcFailureObject = Type.Object({
  id: Type.String({ format: 'uuid' }),
  created_at: Type.String({ format: 'date-time' }),
  reason: Type.String({ description: 'Why the identity token was refused, in words.' }),
  subject: Type.Union([Type.String(), Type.Null()], {
    description: "The token's sub as sent (unverified when the signature did not check out).",
  }),
  ip: Type.String(),
  user_agent: Type.String(),
});
export type OidcFailureObject = Static<typeof oidcFailureObject>;
export const oidcFailurePage = pageOf(oidcFailureObject);

export const oidcExchangeBody = Type.Object({
  connection_id: Type.String({ format: 'uuid' }),
  id_token: Type.String({
    minLength: 1,
    maxLength: 60_000,
    description: "The CI job's identity token (a JWT).",
  }),
});

export const oidcExchangeObject = Type.Object({
  token: Type.String({ description: 'A `thub_oidc_…` token: the password of `docker login -u <username>`.' }),
  username: Type.String({ description: 'The login name to use it with: the organization or the user.' }),
  expires_in: Type.Integer({ description: 'Seconds.' }),
  expires_at: Type.String({ format: 'date-time' }),
  connection_id: Type.String({ format: 'uuid' }),
  subject: Type.String({ description: "The identity token's sub." }),
  resources: Type.Array(oidcResource, { description: 'The merged resources of every ruleset that matched.' }),
});
export type OidcExchangeObject = Static<typeof oidcExchangeObject>;

export const connectionIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
