/**
 * Token policies (tokenhub extension, like Docker's "settings" routes that Docker's clients never
 * call): `/v2/orgs/{org}/settings/tokens`.
 */
import { type Static, Type } from 'typebox';
import { policyLifetimeBounds } from '../../core/token-policy.ts';

const [minDays, maxDays] = policyLifetimeBounds;
const lifetimeCap = (description: string) =>
  Type.Union([Type.Integer({ minimum: minDays, maximum: maxDays }), Type.Null()], {
    description: `${description}, in days (${minDays}-${maxDays}); null: no cap.`,
  });

export const orgTokenPolicyObject = Type.Object({
  oat_max_lifetime_days: lifetimeCap('Longest lifetime of the organization access tokens'),
  pat_max_lifetime_days: lifetimeCap(
    "Longest lifetime of personal access tokens used on the organization's repositories",
  ),
  require_fine_grained_pats: Type.Boolean({
    description: "Personal access tokens used on the organization's repositories must list resources.",
  }),
  updated_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  updated_by: Type.Union([Type.String(), Type.Null()], {
    description: 'Username of the owner who last changed it.',
  }),
  instance_max_lifetime_days: Type.Union([Type.Integer(), Type.Null()], {
    description:
      "The instance's cap on every token's lifetime (TOKENHUB_TOKEN_MAX_LIFETIME_DAYS); null: none.",
  }),
  unused_expiry_days: Type.Union([Type.Integer(), Type.Null()], {
    description: 'Tokens unused this many days expire (TOKENHUB_TOKEN_UNUSED_EXPIRY_DAYS); null: never.',
  }),
});
export type OrgTokenPolicyObject = Static<typeof orgTokenPolicyObject>;

export const orgTokenPolicyUpdateBody = Type.Object(
  {
    oat_max_lifetime_days: Type.Optional(lifetimeCap('Longest lifetime of the organization access tokens')),
    pat_max_lifetime_days: Type.Optional(
      lifetimeCap("Longest lifetime of personal access tokens used on the organization's repositories"),
    ),
    require_fine_grained_pats: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type OrgTokenPolicyUpdateBody = Static<typeof orgTokenPolicyUpdateBody>;
