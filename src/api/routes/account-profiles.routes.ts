/**
 * Docker Hub's older account routes, which hub-tool and the docker-hub-api library still call:
 * `GET /v2/user/` (the signed-in user), `GET /v2/user/orgs` (their organizations), `GET
 * /v2/users/{name}/` (a public profile), `POST /v2/logout/`, and the plan hub-tool's `account info`
 * reads from Docker's billing API.
 */
import type { User } from '../../core/account-rules.ts';
import type { Organization } from '../../core/organization-rules.ts';
import {
  type AccountProfile,
  describeAccountPlan,
  findAccountProfile,
  listOrganizationsOf,
} from '../../services/accounts/account-profile.service.ts';
import type { App, RouteDeps } from '../app.ts';
import { accountOf, principalOf } from '../auth.ts';
import { errorReplies, noContentReplies, paginationQuery } from '../contract/common.contract.ts';
import {
  type AccountOrgObject,
  accountIdParams,
  accountOrgPage,
  type CurrentUserObject,
  currentUserObject,
  type HubPlanObject,
  hubPlanObject,
  type PublicProfileObject,
  profileParams,
  publicProfileObject,
  unlimited,
} from '../contract/profiles.contract.ts';
import { pageLinks, pageRequest } from '../pagination.ts';
import { guardedRoute } from '../route-options.ts';

/** The profile fields tokenhub does not keep, as Docker Hub shows an account that left them blank. */
export const blankProfile = {
  full_name: '',
  location: '',
  company: '',
  gravatar_email: '',
  gravatar_url: '',
  profile_url: '',
} as const;

function userProfile(user: User) {
  return { ...blankProfile, id: user.id, date_joined: user.createdAt, type: 'User' as const };
}

/** An organization's profile fields, also part of `GET /v2/orgs/{org}`. */
export function orgProfile(org: Organization) {
  return { ...blankProfile, id: org.id, date_joined: org.createdAt, type: 'Org' as const };
}

function toPublicProfile(profile: AccountProfile): PublicProfileObject {
  return profile.kind === 'user'
    ? { ...userProfile(profile.user), username: profile.user.username }
    : { ...orgProfile(profile.org), username: profile.org.name };
}

export const capitalizedRole = { owner: 'Owner', editor: 'Editor', member: 'Member' } as const;

export async function accountProfileRoutes(app: App, { ctx, guard }: RouteDeps): Promise<void> {
  const accountRoute = guardedRoute(guard(['password', 'pat']), 'accounts');

  app.get(
    '/v2/user',
    accountRoute({
      summary: 'The signed-in account in Docker Hub\'s "user" shape (legacy route, hub-tool, docker-hub-api)',
      response: { 200: currentUserObject, ...errorReplies(401, 403) },
    }),
    async (request): Promise<CurrentUserObject> => {
      const user = accountOf(request);
      return { ...userProfile(user), username: user.username, email: user.email, is_admin: user.isAdmin };
    },
  );

  app.get(
    '/v2/user/orgs',
    accountRoute({
      summary: 'The organizations the signed-in account belongs to, by name (legacy route, hub-tool)',
      querystring: paginationQuery,
      response: { 200: accountOrgPage, ...errorReplies(400, 401, 403) },
    }),
    async (request) => {
      const page = pageRequest(request.query);
      const { organizations, total } = await listOrganizationsOf(ctx, accountOf(request), page);
      return {
        count: total,
        ...pageLinks(ctx.config.publicUrl, '/v2/user/orgs', page, total),
        results: organizations.map(
          (org): AccountOrgObject => ({
            ...orgProfile(org),
            orgname: org.name,
            role: capitalizedRole[org.role],
            tier: org.tier,
          }),
        ),
      };
    },
  );

  app.get(
    '/v2/users/:username',
    {
      preHandler: guard(['password', 'pat', 'oat'], { optional: true }),
      schema: {
        tags: ['accounts'],
        security: [{ bearer: [] }, {}],
        summary: 'The public profile of a user or an organization (legacy route, docker-hub-api)',
        params: profileParams,
        response: { 200: publicProfileObject, ...errorReplies(400, 401, 404) },
      },
    },
    async (request) => toPublicProfile(await findAccountProfile(ctx, request.params.username)),
  );

  app.post(
    '/v2/logout',
    guardedRoute(
      guard(['password', 'pat', 'oat']),
      'login',
    )({
      summary: 'Log out (legacy route, docker-hub-api); the session JWT stays valid until it expires',
      description:
        'Session JWTs are not stored, so one cannot be revoked alone: it expires after TOKENHUB_HUB_JWT_TTL_SECONDS. A password change ends every session of the account.',
      response: noContentReplies(401),
    }),
    async (_request, reply) => reply.status(204).send(null),
  );

  app.get(
    '/api/billing/v4/accounts/:id/hub-plan',
    guardedRoute(guard(['password', 'pat', 'oat']), 'accounts', { errorShape: 'org' })({
      summary: "An account's plan, as hub-tool's account info reads it (Docker's billing API)",
      description: `tokenhub limits no seats, private repositories, teams or collaborators: they read ${unlimited}, which hub-tool shows as unlimited.`,
      params: accountIdParams,
      response: { 200: hubPlanObject, ...errorReplies(401, 403, 404) },
    }),
    async (request): Promise<HubPlanObject> => {
      const plan = await describeAccountPlan(ctx, principalOf(request), request.params.id);
      return {
        name: plan.name,
        legacy: false,
        seats: plan.kind === 'user' ? 1 : unlimited,
        private_repos: unlimited,
        teams: plan.kind === 'user' ? 0 : unlimited,
        collaborators: unlimited,
        parallel_builds: 0,
        duration: '',
      };
    },
  );
}
