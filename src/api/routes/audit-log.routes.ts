/**
 * The audit log, Docker Hub's routes and shapes (PROTOCOLS.md §1, docs/audit-log.md): an account's
 * events, newest first, and the catalogue of actions. `count`, `next` and `previous`, and each
 * event's `ip` and `user_agent` (owners only), are tokenhub extensions. Password and PAT sessions
 * may read, and an organization's own OATs with `scope-activity-read`; errors use the organization
 * shape, since the account may be an organization.
 */
import { type AuditEvent, auditActionGroups, describeAuditAction } from '../../core/audit-actions.ts';
import {
  type AuditLogAccess,
  type AuditLogFilters,
  authorizeAuditLogRead,
  listAuditLog,
} from '../../services/audit-log/audit-log.service.ts';
import type { App, RouteDeps } from '../app.ts';
import { principalOf } from '../auth.ts';
import {
  type AuditLogObject,
  accountParams,
  auditActionsObject,
  auditLogPage,
  auditLogPageSize,
  auditLogQuery,
} from '../contract/audit-log.contract.ts';
import { errorReplies } from '../contract/common.contract.ts';
import { pageLinks, pageRequest } from '../pagination.ts';

/**
 * Docker Hub's `data` is a map of strings: text stays as it is, anything else (lists, numbers,
 * booleans, null) is its JSON.
 */
function asText(data: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(data).map(([key, value]) => [
      key,
      typeof value === 'string' ? value : JSON.stringify(value),
    ]),
  );
}

function toAuditLogObject(event: AuditEvent, access: AuditLogAccess): AuditLogObject {
  return {
    account: event.accountName,
    action: event.action,
    name: event.name,
    actor: event.actorName,
    data: asText(event.data),
    timestamp: event.createdAt,
    action_description: describeAuditAction(event.action),
    ...(access.showsNetwork ? { ip: event.ip, user_agent: event.userAgent } : {}),
  };
}

/** `next`/`previous` keep the filters, so a client can follow them to the end of its query. */
function filterQueryString(filters: AuditLogFilters): string {
  const entries = Object.entries(filters).filter((entry): entry is [string, string] => Boolean(entry[1]));
  return new URLSearchParams(entries).toString();
}

export async function auditLogRoutes(app: App, { ctx, guard }: RouteDeps): Promise<void> {
  const config = { errorShape: 'org' as const };
  const preHandler = guard(['password', 'pat', 'oat']);
  const security = [{ bearer: [] }];
  const tags = ['audit log'];

  app.get(
    '/v2/auditlogs/:account',
    {
      config,
      preHandler,
      schema: {
        tags,
        security,
        summary: "An account's audit log, newest first",
        description:
          "A user reads their own log; organization owners read their organization's, and so do its organization access tokens holding `scope-activity-read`. `count`, `next`, `previous`, `ip` and `user_agent` are tokenhub extensions.",
        params: accountParams,
        querystring: auditLogQuery,
        response: { 200: auditLogPage, ...errorReplies(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const access = await authorizeAuditLogRead(ctx, principalOf(request), request.params.account);
      const { action, name, actor, from, to } = request.query;
      const filters = { action, name, actor, from, to };
      const page = pageRequest(request.query, auditLogPageSize);
      const { events, total } = await listAuditLog(ctx, access, filters, page);
      const path = `/v2/auditlogs/${encodeURIComponent(access.account.name)}`;
      const links = pageLinks(ctx.config.publicUrl, path, page, total);
      const query = filterQueryString(filters);
      const withFilters = (link: string | null) => (link && query ? `${link}&${query}` : link);
      return {
        logs: events.map((event) => toAuditLogObject(event, access)),
        count: total,
        next: withFilters(links.next),
        previous: withFilters(links.previous),
      };
    },
  );

  app.get(
    '/v2/auditlogs/:account/actions',
    {
      config,
      preHandler,
      schema: {
        tags,
        security,
        summary:
          'The actions an audit log can hold, grouped by their first segment; the `action` filter takes `<group>.<name>`',
        params: accountParams,
        response: { 200: auditActionsObject, ...errorReplies(401, 403, 404) },
      },
    },
    async (request) => {
      await authorizeAuditLogRead(ctx, principalOf(request), request.params.account);
      return { actions: auditActionGroups() };
    },
  );
}
