/**
 * Docker Hub's API as Docker documents it (docker/docs `content/reference/api/hub/latest.yaml`),
 * written here as JSON Schema for the routes tokenhub serves: each route's documented statuses and
 * the schema of each answer. Written from the document, not copied: field names, types, enums and
 * the fields Docker requires (or that Docker's clients read) are required.
 *
 * Where the document and Docker's own clients disagree, the clients win, and the schema says so
 * (`clientsWin`): a tag's `images` is an array and `v2` a boolean (hub-tool, the Terraform provider);
 * the member list is a page, not an array of pages (the Terraform provider); `next`/`previous` may
 * be null (every page Docker shows, and its `page` schema); a bulk invite answers
 * `{invitees: [...]}` (the Terraform provider), not `{invitees: {invitees: [...]}}`.
 */

export type Schema = Record<string, unknown>;

const str: Schema = { type: 'string' };
const int: Schema = { type: 'integer' };
const num: Schema = { type: 'number' };
const bool: Schema = { type: 'boolean' };
const dateTime: Schema = { type: 'string', format: 'date-time' };
const nullable = (schema: Schema): Schema => ({ anyOf: [schema, { type: 'null' }] });
const arrayOf = (items: Schema): Schema => ({ type: 'array', items });
const enumOf = (...values: (string | number | null)[]): Schema => ({ enum: values });
/** An object whose listed properties are all required, unless named in `optional`. */
const object = (properties: Record<string, Schema>, optional: readonly string[] = []): Schema => ({
  type: 'object',
  properties,
  required: Object.keys(properties).filter((name) => !optional.includes(name)),
});

// --- errors -------------------------------------------------------------------------------------

/** `Error`: PAT and account routes. */
const error = object({ detail: str, message: str });
/** `error`: organization routes (`errinfo` is an object). */
const orgError = object({ errinfo: { type: 'object' }, detail: str, message: str }, ['errinfo']);
/** `ValueError`: a malformed request. */
const valueError = object({ fields: { type: 'object' }, text: str });
/** `rpcStatus`: the audit-log routes' `default` answer (no field required). */
const rpcStatus = object({ code: int, message: str, details: arrayOf({ type: 'object' }) }, [
  'code',
  'message',
  'details',
]);

// --- objects ------------------------------------------------------------------------------------

const page = (item: Schema): Schema =>
  object({ count: num, next: nullable(str), previous: nullable(str), results: arrayOf(item) });

const accessToken = object({
  uuid: str,
  client_id: str,
  creator_ip: str,
  creator_ua: str,
  created_at: str,
  last_used: nullable(str),
  generated_by: str,
  is_active: bool,
  token: str,
  token_label: str,
  scopes: arrayOf(str),
  expires_at: nullable(dateTime),
});

const orgAccessTokenResource = object({
  type: enumOf('TYPE_REPO', 'TYPE_ORG'),
  path: str,
  scopes: arrayOf(str),
});
const orgAccessToken = object({
  id: str,
  label: str,
  created_by: str,
  is_active: bool,
  created_at: dateTime,
  expires_at: nullable(dateTime),
  last_used_at: nullable(dateTime),
  resources: arrayOf(orgAccessTokenResource),
});
const orgAccessTokenCreated = {
  ...orgAccessToken,
  properties: { ...(orgAccessToken.properties as object), token: str },
  required: [...(orgAccessToken.required as string[]), 'token'],
};

const auditLog = object({
  account: str,
  action: str,
  name: str,
  actor: str,
  data: { type: 'object', additionalProperties: str },
  timestamp: dateTime,
  action_description: str,
});
const auditActions = object({
  actions: {
    type: 'object',
    additionalProperties: object({
      actions: arrayOf(object({ name: str, description: str, label: str })),
      label: str,
    }),
  },
});

const user = {
  id: str,
  company: str,
  date_joined: str,
  full_name: str,
  gravatar_email: str,
  gravatar_url: str,
  location: str,
  profile_url: str,
  type: enumOf('User', 'Org'),
  username: str,
};
const orgMember = object(
  {
    ...user,
    email: str,
    // The document's enum predates the Editor role its own `PUT …/members/{username}` accepts.
    role: enumOf('Owner', 'Editor', 'Member', 'Invitee'),
    groups: arrayOf(str),
    is_guest: bool,
    primary_email: str,
    last_logged_in_at: dateTime,
    last_seen_at: dateTime,
    last_desktop_version: str,
  },
  // Shown to owners only, deprecated, or with Docker's insights: not always there.
  ['email', 'primary_email', 'last_logged_in_at', 'last_seen_at', 'last_desktop_version'],
);
const orgGroup = object({ id: num, uuid: str, name: str, description: str, member_count: num });
const groupMember = object({ ...user, date_joined: dateTime, email: str }, ['email']);
const invite = object({ id: str, inviter_username: str, invitee: str, org: str, team: str, created_at: str });

const category = object({ name: str, slug: str });
const repositoryListEntry = object(
  {
    name: str,
    namespace: str,
    repository_type: nullable(enumOf('image', 'plugin')),
    status: int,
    status_description: enumOf('active', 'inactive'),
    description: nullable(str),
    is_private: bool,
    star_count: { type: 'integer', minimum: 0 },
    pull_count: { type: 'integer', minimum: 0 },
    last_updated: nullable(dateTime),
    last_modified: nullable(dateTime),
    date_registered: dateTime,
    affiliation: str,
    media_types: arrayOf(str),
    content_types: arrayOf(str),
    categories: arrayOf(category),
    storage_size: { type: 'integer', minimum: 0 },
    // tokenhub does not measure storage: it leaves the list's (non-nullable) storage_size out.
  },
  ['storage_size'],
);
/** `repository_info`: Docker's `required` list, word for word. */
const repositoryInfo: Schema = {
  type: 'object',
  properties: {
    user: str,
    name: str,
    namespace: str,
    repository_type: nullable(str),
    status: int,
    status_description: str,
    description: str,
    is_private: bool,
    is_automated: bool,
    star_count: int,
    pull_count: int,
    last_updated: dateTime,
    last_modified: nullable(dateTime),
    date_registered: dateTime,
    collaborator_count: int,
    affiliation: nullable(str),
    hub_user: nullable(str),
    has_starred: bool,
    full_description: nullable(str),
    permissions: object({ read: bool, write: bool, admin: bool }),
    media_types: arrayOf(nullable(str)),
    content_types: arrayOf(str),
    categories: arrayOf(category),
    immutable_tags_settings: object({ enabled: bool, rules: arrayOf(str) }),
    storage_size: nullable(int),
    source: nullable(str),
  },
  required: [
    'user',
    'name',
    'namespace',
    'status',
    'status_description',
    'description',
    'is_private',
    'is_automated',
    'star_count',
    'pull_count',
    'last_updated',
    'date_registered',
    'collaborator_count',
    'has_starred',
    'permissions',
    'media_types',
    'content_types',
    'categories',
    'immutable_tags_settings',
  ],
};

const image = object({
  architecture: str,
  features: str,
  variant: str,
  digest: nullable(str),
  layers: arrayOf(object({ digest: nullable(str), size: int, instruction: str })),
  os: str,
  os_features: str,
  os_version: str,
  size: int,
  status: enumOf('active', 'inactive'),
  last_pulled: nullable(str),
  last_pushed: nullable(str),
});
const tag = object({
  id: int,
  // clientsWin: the document says one `image` object; hub-tool and the Terraform provider decode an array.
  images: arrayOf(image),
  creator: int,
  last_updated: nullable(str),
  last_updater: int,
  last_updater_username: str,
  name: str,
  repository: int,
  full_size: int,
  // clientsWin: the document says string; hub-tool and the Terraform provider decode a boolean.
  v2: bool,
  status: enumOf('active', 'inactive'),
  tag_last_pulled: nullable(str),
  tag_last_pushed: nullable(str),
});

/** `orgSettings`: `restricted_images` (Image Access Management). */
const orgSettings = object({
  restricted_images: object({ enabled: bool, allow_official_images: bool, allow_verified_publishers: bool }),
});

const repositoryGroup = object({
  group_name: str,
  permission: enumOf('read', 'write', 'admin'),
  group_id: int,
});

// --- routes -------------------------------------------------------------------------------------

export interface DocumentedRoute {
  /** Docker's answer schema per documented status; `null`: no body (204, HEAD). */
  statuses: Record<number, Schema | null>;
  /** rpcStatus-style routes accept any other status with this body (`default`). */
  otherwise?: Schema;
}

const bodiless = null;

/** Routes Docker documents and tokenhub serves, keyed `METHOD path` with Docker's path template. */
export const dockerRoutes: Record<string, DocumentedRoute> = {
  'POST /v2/users/login': {
    statuses: {
      200: object({ token: str }),
      401: object({ detail: str, login_2fa_token: nullable(str) }, ['login_2fa_token']),
    },
  },
  'POST /v2/users/2fa-login': { statuses: { 200: object({ token: str }), 401: object({ detail: str }) } },
  'POST /v2/auth/token': { statuses: { 200: object({ access_token: str }), 401: orgError } },

  'POST /v2/access-tokens': { statuses: { 201: accessToken, 400: valueError, 401: error } },
  'GET /v2/access-tokens': {
    statuses: {
      200: object({
        count: num,
        next: nullable(str),
        previous: nullable(str),
        active_count: num,
        results: arrayOf(accessToken),
      }),
      400: valueError,
      401: error,
    },
  },
  'GET /v2/access-tokens/{uuid}': { statuses: { 200: accessToken, 401: error, 404: error } },
  'PATCH /v2/access-tokens/{uuid}': { statuses: { 200: accessToken, 400: valueError, 401: error } },
  'DELETE /v2/access-tokens/{uuid}': { statuses: { 204: bodiless, 401: error, 404: error } },

  'GET /v2/auditlogs/{account}/actions': {
    statuses: { 200: auditActions, 429: {}, 500: {} },
    otherwise: rpcStatus,
  },
  'GET /v2/auditlogs/{account}': {
    statuses: { 200: object({ logs: arrayOf(auditLog) }), 429: {}, 500: {} },
    otherwise: rpcStatus,
  },

  'POST /v2/orgs/{org}/access-tokens': {
    statuses: { 201: orgAccessTokenCreated, 400: valueError, 401: error, 403: error, 404: error },
  },
  'GET /v2/orgs/{org}/access-tokens': {
    statuses: {
      200: object({
        total: num,
        next: nullable(str),
        previous: nullable(str),
        results: arrayOf(orgAccessToken),
      }),
      401: error,
      403: error,
      404: error,
    },
  },
  'GET /v2/orgs/{org}/access-tokens/{id}': {
    statuses: { 200: orgAccessToken, 401: error, 403: error, 404: error },
  },
  'PATCH /v2/orgs/{org}/access-tokens/{id}': {
    statuses: { 200: orgAccessToken, 401: error, 403: error, 404: error },
  },
  'DELETE /v2/orgs/{org}/access-tokens/{id}': {
    statuses: { 204: bodiless, 401: error, 403: error, 404: error },
  },

  'GET /v2/orgs/{org}/settings': { statuses: { 200: orgSettings, 401: error, 403: error, 404: error } },
  'PUT /v2/orgs/{org}/settings': { statuses: { 200: orgSettings, 401: error, 403: error, 404: error } },

  'GET /v2/namespaces/{ns}/repositories': {
    statuses: { 200: page(repositoryListEntry), 400: orgError, 401: orgError, 403: orgError, 404: orgError },
  },
  'POST /v2/namespaces/{ns}/repositories': {
    statuses: {
      201: repositoryInfo,
      400: orgError,
      401: orgError,
      403: orgError,
      404: orgError,
      500: orgError,
    },
  },
  'GET /v2/namespaces/{ns}/repositories/{repo}': {
    statuses: { 200: repositoryInfo, 401: orgError, 403: orgError, 404: orgError, 500: orgError },
  },
  'HEAD /v2/namespaces/{ns}/repositories/{repo}': {
    statuses: { 200: bodiless, 401: bodiless, 403: bodiless, 404: bodiless },
  },
  'GET /v2/namespaces/{ns}/repositories/{repo}/tags': {
    statuses: { 200: page(tag), 403: error, 404: error },
  },
  'GET /v2/namespaces/{ns}/repositories/{repo}/tags/{tag}': {
    statuses: { 200: tag, 403: error, 404: error },
  },
  'POST /v2/repositories/{ns}/{repo}/groups': {
    statuses: { 200: repositoryGroup, 400: orgError, 401: orgError, 403: orgError, 404: error },
  },

  'GET /v2/orgs/{org}/members': {
    // clientsWin: the document says an array of pages; the Terraform provider decodes one page.
    statuses: { 200: page(orgMember), 400: orgError, 401: orgError, 403: orgError, 404: orgError },
  },
  'PUT /v2/orgs/{org}/members/{username}': {
    statuses: { 200: orgMember, 400: orgError, 401: orgError, 403: orgError, 404: orgError },
  },
  'DELETE /v2/orgs/{org}/members/{username}': {
    statuses: { 204: bodiless, 400: orgError, 401: orgError, 403: orgError, 404: orgError },
  },
  'GET /v2/orgs/{org}/invites': {
    statuses: { 200: object({ data: arrayOf(invite) }), 401: orgError, 403: orgError, 404: orgError },
  },
  'GET /v2/orgs/{org}/groups': {
    statuses: { 200: page(orgGroup), 401: orgError, 403: orgError, 404: orgError },
  },
  'POST /v2/orgs/{org}/groups': { statuses: { 201: orgGroup, 400: orgError, 401: orgError, 403: orgError } },
  'GET /v2/orgs/{org}/groups/{group}': {
    statuses: { 200: orgGroup, 401: orgError, 403: orgError, 404: orgError },
  },
  'PUT /v2/orgs/{org}/groups/{group}': {
    statuses: { 200: orgGroup, 401: orgError, 403: orgError, 404: orgError },
  },
  'PATCH /v2/orgs/{org}/groups/{group}': {
    statuses: { 200: orgGroup, 401: orgError, 403: orgError, 404: orgError },
  },
  'DELETE /v2/orgs/{org}/groups/{group}': {
    statuses: { 204: bodiless, 401: orgError, 403: orgError, 404: orgError },
  },
  'GET /v2/orgs/{org}/groups/{group}/members': {
    statuses: { 200: page(groupMember), 401: orgError, 403: orgError, 404: orgError },
  },
  'POST /v2/orgs/{org}/groups/{group}/members': {
    statuses: { 200: {}, 401: orgError, 403: orgError, 404: orgError, 500: orgError },
  },
  'DELETE /v2/orgs/{org}/groups/{group}/members/{username}': {
    statuses: { 204: bodiless, 401: orgError, 403: orgError, 404: orgError },
  },
  'DELETE /v2/invites/{id}': { statuses: { 204: bodiless, 401: orgError, 403: orgError, 404: orgError } },
  'PATCH /v2/invites/{id}/resend': {
    statuses: { 204: bodiless, 401: orgError, 403: orgError, 404: orgError },
  },
  'POST /v2/invites/bulk': {
    statuses: {
      // clientsWin: the Terraform provider decodes `{invitees: [...]}`.
      202: object({
        invitees: arrayOf(object({ invitee: str, status: str, invite }, ['invite'])),
      }),
      400: orgError,
      409: orgError,
    },
  },
};

/**
 * Statuses tokenhub answers that Docker's document does not declare on that route, and why; every
 * one is listed in docs/api.md. Their bodies are tokenhub's error shapes.
 */
export const undeclaredStatuses: Record<number, string> = {
  400: 'a malformed request on a route whose documentation declares no 400 (a body, query or path parameter out of range)',
  401: 'no or bad credentials on a route whose documentation declares no 401',
  403: 'the session may not do this (a PAT or an OAT session, a non-member) where no 403 is declared',
  404: 'what the path names does not exist (an organization, a group, a repository) where no 404 is declared',
  409: 'a conflict (a duplicate group, an invite already sent, the last owner)',
  502: 'the registry did not answer (tag routes)',
};

/** tokenhub's error bodies, for the undeclared statuses. */
export const tokenhubError = object({ detail: str, message: str });
