/**
 * Companies (tokenhub extension, docs/api.md): create, read, rename, delete, and the company's owners
 * and organizations. The company-wide views are in company-views.routes.ts. Who may call is
 * `authorizeCompanyAction`'s decision: owners (and instance administrators) read with a password or
 * a PAT session and change with a password session. Errors use the organization shape.
 */
import type { FastifyRequest } from 'fastify';
import type { Company, CompanyOwner } from '../../core/company-rules.ts';
import {
  authorizeCompanyAction,
  type CompanyAction,
  createCompany,
  deleteEmptyCompany,
  listMyCompanies,
  renameCompanyTo,
  requireCompany,
} from '../../services/companies/company.service.ts';
import {
  addCompanyOrganization,
  addCompanyOwner,
  listOwners,
  removeCompanyOrganization,
  removeCompanyOwner,
} from '../../services/companies/company-membership.service.ts';
import { requireOrganization } from '../../services/orgs/organization.service.ts';
import type { ServiceContext } from '../../services/shared/context.ts';
import { auditActorOf } from '../../services/sign-in/who-asks.ts';
import type { App, RouteDeps } from '../app.ts';
import { accountOf, principalOf } from '../auth.ts';
import { errorReplies, noContentReplies } from '../contract/common.contract.ts';
import {
  type CompanyObject,
  type CompanyOwnerObject,
  companyCreateBody,
  companyList,
  companyObject,
  companyOrgParams,
  companyOwnerBody,
  companyOwnerList,
  companyOwnerObject,
  companyOwnerParams,
  companyParams,
  companyRenameBody,
} from '../contract/companies.contract.ts';
import { requestMeta } from '../request-meta.ts';
import { guardedRoute } from '../route-options.ts';

export function toCompanyObject(company: Company): CompanyObject {
  return { id: company.id, name: company.name, created_at: company.createdAt, updated_at: company.updatedAt };
}

function toOwnerObject(owner: CompanyOwner): CompanyOwnerObject {
  return { username: owner.username, email: owner.email, created_at: owner.createdAt };
}

/**
 * The first steps of every company route: find the company named in the path, then ask whether the
 * session may do `action` to it.
 * @throws AppError COMPANY_NOT_FOUND, COMPANY_FORBIDDEN, PAT_NOT_ALLOWED, OAT_NOT_ALLOWED.
 */
export async function authorizeCompanyRequest(
  ctx: ServiceContext,
  request: FastifyRequest,
  name: string,
  action: CompanyAction,
) {
  const company = await requireCompany(ctx, name);
  const principal = principalOf(request);
  await authorizeCompanyAction(ctx, principal, company, action);
  return { company, principal, actor: auditActorOf(principal) };
}

export async function companyRoutes(app: App, { ctx, guard }: RouteDeps): Promise<void> {
  const config = { errorShape: 'org' as const };
  const reader = guardedRoute(guard(['password', 'pat']), 'companies', config);
  const manager = guardedRoute(guard(['password']), 'companies', config);

  app.post(
    '/v2/companies',
    manager({
      summary: 'Create a company; the caller (an owner of a Business organization) becomes its owner',
      body: companyCreateBody,
      response: { 201: companyObject, ...errorReplies(400, 401, 403, 409) },
    }),
    async (request, reply) => {
      const user = accountOf(request);
      const company = await createCompany(
        ctx,
        { name: request.body.name, owner: user, requireBusinessOwner: !user.isAdmin },
        auditActorOf(principalOf(request)),
        requestMeta(request),
      );
      return reply.status(201).send(toCompanyObject(company));
    },
  );

  app.get(
    '/v2/users/me/companies',
    reader({
      summary: 'The companies the signed-in account owns',
      response: { 200: companyList, ...errorReplies(401, 403) },
    }),
    async (request) => ({ results: (await listMyCompanies(ctx, principalOf(request))).map(toCompanyObject) }),
  );

  app.get(
    '/v2/companies/:name',
    reader({
      summary: 'Read a company',
      params: companyParams,
      response: { 200: companyObject, ...errorReplies(401, 403, 404) },
    }),
    async (request) => {
      const { company } = await authorizeCompanyRequest(ctx, request, request.params.name, 'read');
      return toCompanyObject(company);
    },
  );

  app.patch(
    '/v2/companies/:name',
    manager({
      summary: 'Rename a company; the old name is free again',
      params: companyParams,
      body: companyRenameBody,
      response: { 200: companyObject, ...errorReplies(400, 401, 403, 404, 409) },
    }),
    async (request) => {
      const { company, actor } = await authorizeCompanyRequest(ctx, request, request.params.name, 'manage');
      return toCompanyObject(
        await renameCompanyTo(ctx, company, request.body.name, actor, requestMeta(request)),
      );
    },
  );

  app.delete(
    '/v2/companies/:name',
    manager({
      summary: 'Delete a company that holds no organization',
      params: companyParams,
      response: noContentReplies(400, 401, 403, 404, 409),
    }),
    async (request, reply) => {
      const { company, actor } = await authorizeCompanyRequest(ctx, request, request.params.name, 'manage');
      await deleteEmptyCompany(ctx, company, actor, requestMeta(request));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/v2/companies/:name/owners',
    reader({
      summary: "The company's owners, by username",
      params: companyParams,
      response: { 200: companyOwnerList, ...errorReplies(401, 403, 404) },
    }),
    async (request) => {
      const { company } = await authorizeCompanyRequest(ctx, request, request.params.name, 'read');
      return { results: (await listOwners(ctx, company)).map(toOwnerObject) };
    },
  );

  app.post(
    '/v2/companies/:name/owners',
    manager({
      summary: 'Add a company owner, by username or email address',
      params: companyParams,
      body: companyOwnerBody,
      response: { 201: companyOwnerObject, ...errorReplies(400, 401, 403, 404, 409) },
    }),
    async (request, reply) => {
      const { company, actor } = await authorizeCompanyRequest(ctx, request, request.params.name, 'manage');
      const owner = await addCompanyOwner(ctx, company, request.body.owner, actor, requestMeta(request));
      return reply.status(201).send(toOwnerObject(owner));
    },
  );

  app.delete(
    '/v2/companies/:name/owners/:username',
    manager({
      summary: 'Remove a company owner, or leave; the last owner cannot',
      params: companyOwnerParams,
      response: noContentReplies(400, 401, 403, 404, 409),
    }),
    async (request, reply) => {
      const { company, actor } = await authorizeCompanyRequest(ctx, request, request.params.name, 'manage');
      const leaving = accountOf(request).username === request.params.username.trim().toLowerCase();
      await removeCompanyOwner(ctx, company, request.params.username, actor, requestMeta(request), {
        leaving,
      });
      return reply.status(204).send(null);
    },
  );

  app.put(
    '/v2/companies/:name/orgs/:org',
    manager({
      summary: 'Add an organization (Business tier) to the company; only an owner of both may',
      params: companyOrgParams,
      response: noContentReplies(400, 401, 403, 404, 409),
    }),
    async (request, reply) => {
      const { company, principal, actor } = await authorizeCompanyRequest(
        ctx,
        request,
        request.params.name,
        'manage',
      );
      const org = await requireOrganization(ctx, request.params.org);
      await addCompanyOrganization(ctx, principal, company, org, actor, requestMeta(request));
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/v2/companies/:name/orgs/:org',
    manager({
      summary: "Take an organization out of the company: its company owners' management ends at once",
      params: companyOrgParams,
      response: noContentReplies(400, 401, 403, 404),
    }),
    async (request, reply) => {
      const { company, principal, actor } = await authorizeCompanyRequest(
        ctx,
        request,
        request.params.name,
        'manage',
      );
      const org = await requireOrganization(ctx, request.params.org);
      await removeCompanyOrganization(ctx, principal, company, org, actor, requestMeta(request));
      return reply.status(204).send(null);
    },
  );
}
