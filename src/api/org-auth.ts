import type { FastifyRequest } from 'fastify';
import type { Organization, OrgRole } from '../core/organization-rules.ts';
import {
  authorizeOrgAction,
  type OrgAction,
  requireOrganization,
} from '../services/orgs/organization.service.ts';
import type { AuditActor } from '../services/shared/audit.service.ts';
import type { ServiceContext } from '../services/shared/context.ts';
import { auditActorOf, type Principal } from '../services/sign-in/who-asks.ts';
import { type Guard, principalOf } from './auth.ts';
import { guardedRoute } from './route-options.ts';

/**
 * The first steps of every organization route: find the organization named in the path, then ask
 * `authorizeOrgAction` whether the session may do `action` there.
 * @returns the organization, the caller, their role there, and the actor audit events name.
 * @throws AppError ORG_NOT_FOUND, ORG_FORBIDDEN, PAT_NOT_ALLOWED, OAT_NOT_ALLOWED.
 */
export async function authorizeOrgRequest(
  ctx: ServiceContext,
  request: FastifyRequest,
  orgName: string,
  action: OrgAction,
): Promise<{ org: Organization; principal: Principal; role: OrgRole | undefined; actor: AuditActor }> {
  const org = await requireOrganization(ctx, orgName);
  const principal = principalOf(request);
  const role = await authorizeOrgAction(ctx, principal, org, action);
  return { org, principal, role, actor: auditActorOf(principal) };
}

/**
 * Options for the organization routes of one OpenAPI tag: errors in the organization body shape,
 * any session (each route's `authorizeOrgRequest` decides what it may do there), bearer security.
 */
export function orgRouteOptions(guard: Guard, tag: string) {
  return guardedRoute(guard(['password', 'pat', 'oat']), tag, { errorShape: 'org' });
}
