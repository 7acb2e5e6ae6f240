/**
 * The audit log, Docker Hub's routes and shapes (PROTOCOLS.md §1, docs/audit-log.md): an account's
 * events, newest first, and the catalogue of actions. `count`, `next` and `previous`, and each
 * event's `ip` and `user_agent` (owners only), are tokenhub extensions. Password and PAT sessions
 * may read; errors use the organization shape, since the account may be an organization.
 */
import { Type } from 'typebox';
import {
  type AuditLogAccess,
  type AuditLogFilters,
  auditActionGroups,
  authorizeAuditLogRead,
  describeAuditAction,
  listAuditLog,
} from '../../services/audit-log/audit-log.service.ts';
import type { AuditEventRow } from '../../storage/audit.repository.ts';
import type { App, RouteDeps } from '../app.ts';
import { principalOf } from '../auth.ts';
import { maxPageSize, pageLinks, pageRequest, paginationQuery } from '../pagination.ts';
import { errorReplies } from '../schemas.ts';

const defaultPageSize = 25;

const accountParams = Type.Object({
  account: Type.String({ minLength: 1, maxLength: 64, description: 'A username or an organization name.' }),
});

const auditLogQuery = Type.Object({
  action: Type.Optional(
    Type.String({
      maxLength: 64,
      description: 'One action name from `GET /v2/auditlogs/{account}/actions`.',
    }),
  ),
  name: Type.Optional(Type.String({ maxLength: 200, description: 'What the action was about, exactly.' })),
  actor: Type.Optional(Type.String({ maxLength: 64, description: 'Who acted, exactly.' })),
  from: Type.Optional(
    Type.String({ format: 'date-time', description: 'ISO 8601 date-time with a zone; inclusive.' }),
  ),
  to: Type.Optional(
    Type.String({ format: 'date-time', description: 'ISO 8601 date-time with a zone; inclusive.' }),
  ),
  page: paginationQuery.properties.page,
  page_size: Type.Optional(
    Type.Integer({
      minimum: 1,
      default: defaultPageSize,
      description: `Values above ${maxPageSize} are capped to it.`,
    }),
  ),
});

const auditLogObject = Type.Object({
  account: Type.String(),
  action: Type.String(),
  name: Type.String(),
  actor: Type.String(),
  data: Type.Record(Type.String(), Type.Unknown(), { description: 'What changed; never a secret.' }),
  timestamp: Type.String({ format: 'date-time' }),
  action_description: Type.String(),
  ip: Type.Optional(Type.String({ description: "tokenhub extension, owners only: the caller's address." })),
  user_agent: Type.Optional(
    Type.String({ description: "tokenhub extension, owners only: the caller's client (user agent)." }),
  ),
});

const auditActionsObject = Type.Object({
  actions: Type.Record(
    Type.String(),
    Type.Object({
      label: Type.String(),
      actions: Type.Array(
        Type.Object({ name: Type.String(), description: Type.String(), label: Type.String() }),
      ),
    }),
    { description: 'Keyed by the first segment of the action names: account, org, repository.' },
  ),
});

/** The stored JSON object; anything else (never written by `recordAudit`) reads as `{}`. */
function eventData(row: AuditEventRow): Record<string, unknown> {
  try {
    const data: unknown = JSON.parse(row.data);
    return typeof data === 'object' && data !== null && !Array.isArray(data)
      ? (data as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

function toAuditLogObject(row: AuditEventRow, access: AuditLogAccess) {
  return {
    account: row.account_name,
    action: row.action,
    name: row.name,
    actor: row.actor_name,
    data: eventData(row),
    timestamp: row.created_at,
    action_description: describeAuditAction(row.action),
    ...(access.showsNetwork ? { ip: row.ip, user_agent: row.user_agent } : {}),
  };
}

/** `next`/`previous` keep the filters, so a client can follow them to the end of its query. */
function filterQueryString(filters: AuditLogFilters): string {
  const entries = Object.entries(filters).filter((entry): entry is [string, string] => Boolean(entry[1]));
  return new URLSearchParams(entries).toString();
}

export async function auditLogRoutes(app: App, { ctx, guard }: RouteDeps): Promise<void> {
  const config = { errorShape: 'org' as const };
  const preHandler = guard(['password', 'pat']);
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
          "A user reads their own log; organization owners read their organization's. `count`, `next`, `previous`, `ip` and `user_agent` are tokenhub extensions.",
        params: accountParams,
        querystring: auditLogQuery,
        response: {
          200: Type.Object({
            logs: Type.Array(auditLogObject),
            count: Type.Integer({ description: 'tokenhub extension: events matching the filters.' }),
            next: Type.Union([Type.String(), Type.Null()]),
            previous: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errorReplies(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const access = await authorizeAuditLogRead(ctx, principalOf(request), request.params.account);
      const { action, name, actor, from, to } = request.query;
      const filters = { action, name, actor, from, to };
      const page = pageRequest(request.query, defaultPageSize);
      const { rows, total } = await listAuditLog(ctx, access, filters, page);
      const path = `/v2/auditlogs/${encodeURIComponent(access.account.name)}`;
      const links = pageLinks(ctx.config.publicUrl, path, page, total);
      const query = filterQueryString(filters);
      const withFilters = (link: string | null) => (link && query ? `${link}&${query}` : link);
      return {
        logs: rows.map((row) => toAuditLogObject(row, access)),
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
        summary: 'The actions an audit log can hold, grouped; `name` is what the `action` filter takes',
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
