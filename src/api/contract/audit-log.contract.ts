/**
 * The audit log, Docker Hub's shapes: an account's events and the catalogue of actions.
 */
import { type Static, Type } from 'typebox';
import { maxPageSize, paginationQuery } from './common.contract.ts';

/** Docker Hub's page size for audit logs. */
export const auditLogPageSize = 25;

export const accountParams = Type.Object({
  account: Type.String({ minLength: 1, maxLength: 64, description: 'A username or an organization name.' }),
});

export const auditLogQuery = Type.Object({
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
      default: auditLogPageSize,
      description: `Values above ${maxPageSize} are capped to it.`,
    }),
  ),
});

export const auditLogObject = Type.Object({
  account: Type.String(),
  action: Type.String(),
  name: Type.String(),
  actor: Type.String(),
  data: Type.Record(Type.String(), Type.String(), {
    description:
      'What changed, never a secret; values are text as in Docker Hub (lists, numbers, booleans and null as JSON).',
  }),
  timestamp: Type.String({ format: 'date-time' }),
  action_description: Type.String(),
  ip: Type.Optional(Type.String({ description: "tokenhub extension, owners only: the caller's address." })),
  user_agent: Type.Optional(
    Type.String({ description: "tokenhub extension, owners only: the caller's client (user agent)." }),
  ),
});
export type AuditLogObject = Static<typeof auditLogObject>;

export const auditLogPage = Type.Object({
  logs: Type.Array(auditLogObject),
  count: Type.Integer({ description: 'tokenhub extension: events matching the filters.' }),
  next: Type.Union([Type.String(), Type.Null()]),
  previous: Type.Union([Type.String(), Type.Null()]),
});
export type AuditLogPage = Static<typeof auditLogPage>;

export const auditActionsObject = Type.Object({
  actions: Type.Record(
    Type.String(),
    Type.Object({
      label: Type.String(),
      actions: Type.Array(
        Type.Object({
          name: Type.String({
            description: 'The action name after the group: `tag.push` for `repo.tag.push`.',
          }),
          description: Type.String(),
          label: Type.String(),
        }),
      ),
    }),
    { description: 'Keyed by the first segment of the action names: account, org, repo.' },
  ),
});
export type AuditActionsObject = Static<typeof auditActionsObject>;
