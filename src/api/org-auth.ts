import type { FastifyRequest } from 'fastify';
import type { OrgRole } from '../core/organization-rules.ts';
import {
  authorizeOrgAction,
  type OrgAction,
  requireOrganization,
} from '../services/orgs/organization.service.ts';
import type { ServiceContext } from '../services/shared/context.ts';
import type { HubPrincipal } from '../services/sign-in/hub-session.service.ts';
import type { OrganizationRow } from '../storage/organization.repository.ts';
import { principalOf } from './auth.ts';

/**
 * The first steps of every organization route: find the organization named in the path, then ask
 * `authorizeOrgAction` whether the session may do `action` there.
 * @throws AppError ORG_NOT_FOUND, ORG_FORBIDDEN, PAT_NOT_ALLOWED, OAT_NOT_ALLOWED.
 */
export async function authorizeOrgRequest(
  ctx: ServiceContext,
  request: FastifyRequest,
  orgName: string,
  action: OrgAction,
): Promise<{ org: OrganizationRow; principal: HubPrincipal; role: OrgRole | undefined }> {
  const org = await requireOrganization(ctx, orgName);
  const principal = principalOf(request);
  const role = await authorizeOrgAction(ctx, principal, org, action);
  return { org, principal, role };
}
