/**
 * An organization's token policy (tokenhub extension): any member may read it (to make tokens
 * that pass it); owners change it with a password session. Changing it deletes nothing: tokens
 * outside it are refused on the organization's repositories from the next request on.
 */
import type { OrgTokenPolicy } from '../../core/token-policy.ts';
import { getOrgTokenPolicy, setOrgTokenPolicy } from '../../services/tokens/token-policy.service.ts';
import type { App, RouteDeps } from '../app.ts';
import { accountOf } from '../auth.ts';
import { errorReplies } from '../contract/common.contract.ts';
import { orgParams } from '../contract/orgs.contract.ts';
import {
  type OrgTokenPolicyObject,
  orgTokenPolicyObject,
  orgTokenPolicyUpdateBody,
} from '../contract/token-policy.contract.ts';
import { authorizeOrgRequest, orgRouteOptions } from '../org-auth.ts';
import { requestMeta } from '../request-meta.ts';

export async function orgTokenPolicyRoutes(app: App, { ctx, guard }: RouteDeps): Promise<void> {
  const route = orgRouteOptions(guard, 'token policies');
  const { maxLifetimeDays, unusedExpiryDays } = ctx.config.tokenPolicy;

  function toObject(policy: OrgTokenPolicy): OrgTokenPolicyObject {
    return {
      oat_max_lifetime_days: policy.oatMaxLifetimeDays,
      pat_max_lifetime_days: policy.patMaxLifetimeDays,
      require_fine_grained_pats: policy.requireFineGrainedPats,
      updated_at: policy.updatedAt,
      updated_by: policy.updatedBy,
      instance_max_lifetime_days: maxLifetimeDays === 0 ? null : maxLifetimeDays,
      unused_expiry_days: unusedExpiryDays === 0 ? null : unusedExpiryDays,
    };
  }

  app.get(
    '/v2/orgs/:org/settings/tokens',
    route({
      summary: "Read the organization's token policy (tokenhub extension)",
      params: orgParams,
      response: { 200: orgTokenPolicyObject, ...errorReplies(400, 401, 403, 404) },
    }),
    async (request) => {
      const { org } = await authorizeOrgRequest(ctx, request, request.params.org, 'org-read');
      return toObject(await getOrgTokenPolicy(ctx, org));
    },
  );

  app.patch(
    '/v2/orgs/:org/settings/tokens',
    route({
      summary: "Change the organization's token policy; absent fields keep their value (tokenhub extension)",
      description:
        "Owners only, with a password session. Tokens outside the new policy are not deleted: they are refused on the organization's repositories, with a message naming the policy.",
      params: orgParams,
      body: orgTokenPolicyUpdateBody,
      response: { 200: orgTokenPolicyObject, ...errorReplies(400, 401, 403, 404) },
    }),
    async (request) => {
      const { org } = await authorizeOrgRequest(ctx, request, request.params.org, 'token-manage');
      const { body } = request;
      const policy = await setOrgTokenPolicy(
        ctx,
        org,
        accountOf(request),
        {
          oatMaxLifetimeDays: body.oat_max_lifetime_days,
          patMaxLifetimeDays: body.pat_max_lifetime_days,
          requireFineGrainedPats: body.require_fine_grained_pats,
        },
        requestMeta(request),
      );
      return toObject(policy);
    },
  );
}
