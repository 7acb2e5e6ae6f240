/**
 * The Terraform provider's Hub client (docker/terraform-provider-docker `internal/hubclient`),
 * request for request: base URL `https://<host>/v2`, the login of its `LoginTokenProvider`
 * (`POST /v2/users/login`, the JWT's `exp` read), `Content-Type` and `Accept: application/json`
 * on every request (a nil body is an empty one), bodies from `json.Marshal` or `json.NewEncoder`
 * (with its trailing newline), any status outside 200-399 an error, answers decoded into its
 * structs as Go decodes them, and pagination by `next` (made relative by cutting the base URL).
 */
import { type GoType, unmarshal } from './go-decode.ts';
import type { Send } from './hub-tool-client.ts';

const str = 'string' as const;
const int = 'int' as const;
const bool = 'bool' as const;
const strings: GoType = { slice: str };

const accessToken: GoType = {
  struct: {
    uuid: str,
    client_id: str,
    creator_ip: str,
    creator_ua: str,
    created_at: str,
    last_used: str,
    generated_by: str,
    is_active: bool,
    token: str,
    token_label: str,
    scopes: strings,
    expires_at: str,
  },
};
const resource: GoType = { struct: { type: str, path: str, scopes: strings } };
const orgAccessToken: GoType = {
  struct: {
    id: str,
    label: str,
    description: str,
    created_by: str,
    is_active: bool,
    created_at: str,
    expires_at: str,
    last_used_at: str,
    token: str,
    resources: { slice: resource },
  },
};
const org: GoType = {
  struct: { id: str, orgname: str, full_name: str, location: str, company: str, date_joined: str },
};
const orgTeam: GoType = { struct: { id: int, uuid: str, name: str, description: str, member_count: int } };
const profile = {
  id: str,
  company: str,
  date_joined: str,
  full_name: str,
  gravatar_email: str,
  gravatar_url: str,
  location: str,
  profile_url: str,
  type: str,
  username: str,
} as const;
const orgTeamMember: GoType = {
  struct: {
    ...profile,
    org_name: str,
    name: str,
    description: str,
    uuid: str,
    email: str,
    role: str,
    groups: strings,
    is_guest: bool,
    primary_email: str,
  },
};
const orgMember: GoType = { struct: { ...profile, email: str, role: str, groups: strings, is_guest: bool } };
const orgInvite: GoType = {
  struct: { id: str, inviter_username: str, invitee: str, team: str, org: str, role: str, created_at: str },
};
const repository: GoType = {
  struct: {
    name: str,
    namespace: str,
    repository_type: str,
    is_private: bool,
    status: int,
    status_description: str,
    description: str,
    star_count: int,
    pull_count: int,
    last_updated: str,
    date_registered: str,
    affiliation: str,
    media_types: strings,
    content_types: strings,
    use: str,
    is_automated: bool,
    collaborator_count: int,
    hub_user: str,
    has_starred: bool,
    full_description: str,
    permissions: { struct: { read: bool, write: bool, admin: bool } },
    immutable_tags_settings: { struct: { enabled: bool, rules: strings } },
  },
};
const imageAccessManagement: GoType = {
  struct: {
    restricted_images: {
      struct: { enabled: bool, allow_official_images: bool, allow_verified_publishers: bool },
    },
  },
};
const registryAccessManagement: GoType = {
  struct: {
    enabled: bool,
    standard_registries: { slice: { struct: { id: str, allowed: bool } } },
    custom_registries: { slice: { struct: { address: str, friendly_name: str, allowed: bool } } },
  },
};
const teamRepoPermission: GoType = { struct: { group_id: int, group_name: str, permission: str } };
const tagImage: GoType = {
  struct: {
    architecture: str,
    features: str,
    variant: str,
    digest: str,
    os: str,
    os_features: str,
    os_version: str,
    size: int,
    status: str,
    last_pulled: str,
    last_pushed: str,
  },
};
const tag: GoType = {
  struct: {
    name: str,
    full_size: int,
    id: int,
    repository: int,
    creator: int,
    last_updated: str,
    last_updater: int,
    last_updater_username: str,
    image_id: str,
    v2: bool,
    tag_status: str,
    tag_last_pulled: str,
    tag_last_pushed: str,
    media_type: str,
    content_type: str,
    digest: str,
    images: { slice: tagImage },
  },
};
const page = (item: GoType): GoType => ({
  struct: { count: int, next: 'any', previous: 'any', results: { slice: item } },
});

export class TerraformError extends Error {
  override name = 'TerraformError';
}

type Json = Record<string, unknown>;

export class TerraformHubClient {
  readonly #send: Send;
  readonly #baseUrl: string;
  readonly #username: string;
  readonly #password: string;
  #token = '';
  #expiry = 0;
  /** Every request made, `METHOD path` (relative to the base URL). */
  readonly log: string[] = [];

  /** @param host as in the provider's `host` setting; the base URL is `https://<host>/v2`. */
  constructor(send: Send, host: string, username: string, password: string) {
    this.#send = send;
    this.#baseUrl = `https://${host}/v2`;
    this.#username = username;
    this.#password = password;
  }

  /** `LoginTokenProvider.EnsureToken`: logs in when there is no unexpired token. */
  async #ensureToken(): Promise<string> {
    if (this.#token && Date.now() < this.#expiry) return this.#token;
    const res = await this.#send({
      method: 'POST',
      url: `${this.#baseUrl}/users/login`,
      headers: { 'Content-Type': 'application/json', 'User-Agent': 'Go-http-client/1.1' },
      body: JSON.stringify({ username: this.#username, password: this.#password }),
    });
    if (res.status < 200 || res.status >= 400)
      throw new TerraformError(`login failed: ${res.status} - ${res.body}`);
    const { token } = unmarshal<{ token: string }>(res.body, { struct: { token: str } });
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
      exp?: number;
    };
    if (!claims.exp) throw new TerraformError('token does not contain expiry');
    this.#token = token;
    this.#expiry = claims.exp * 1000;
    return token;
  }

  /** `sendRequest`; `encoder`: the body came from `json.NewEncoder` (a trailing newline). */
  async #request<T>(
    method: string,
    url: string,
    body?: unknown,
    result?: GoType,
    encoder = false,
  ): Promise<T> {
    const token = await this.#ensureToken();
    this.log.push(`${method} ${url}`);
    const text = body === undefined ? '' : `${JSON.stringify(body)}${encoder ? '\n' : ''}`;
    const res = await this.#send({
      method,
      url: `${this.#baseUrl}${url}`,
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        Authorization: `Bearer ${token}`,
        'User-Agent': 'Go-http-client/1.1',
      },
      body: text,
    });
    if (res.status < 200 || res.status >= 400) {
      throw new TerraformError(`server response ${this.#baseUrl}${url}: ${res.body.slice(0, 500)}`);
    }
    return (result ? unmarshal<T>(res.body, result) : undefined) as T;
  }

  /** `paginate`: follows `next`, made relative when it starts with https://. */
  async #paginate<T>(initial: string, item: GoType): Promise<T[]> {
    const all: T[] = [];
    let next: string = initial;
    while (next) {
      const url = next.startsWith('https://') ? next.replace(this.#baseUrl, '') : next;
      const p = await this.#request<{ results: T[]; next: unknown }>('GET', url, undefined, page(item));
      all.push(...p.results);
      next = typeof p.next === 'string' ? p.next : '';
    }
    return all;
  }

  // client_access_token.go
  createAccessToken = (params: { token_label: string; scopes: string[]; expires_at?: string }) =>
    this.#request<Json>('POST', '/access-tokens', params, accessToken, true);
  getAccessToken = (id: string) => this.#request<Json>('GET', `/access-tokens/${id}`, undefined, accessToken);
  getAccessTokens = () => this.#paginate<Json>('/access-tokens', accessToken);
  updateAccessToken = (id: string, params: { token_label: string; is_active: boolean }) =>
    this.#request<Json>('PATCH', `/access-tokens/${id}`, params, accessToken, true);
  deleteAccessToken = (id: string) => this.#request<void>('DELETE', `/access-tokens/${id}`);

  // client_org_access_token.go
  createOrgAccessToken = (
    orgName: string,
    params: { label: string; description: string; resources: Json[]; expires_at?: string },
  ) => this.#request<Json>('POST', `/orgs/${orgName}/access-tokens`, params, orgAccessToken, true);
  getOrgAccessToken = (orgName: string, id: string) =>
    this.#request<Json>('GET', `/orgs/${orgName}/access-tokens/${id}`, undefined, orgAccessToken);
  updateOrgAccessToken = (
    orgName: string,
    id: string,
    params: { label: string; description: string; resources: Json[] },
  ) => this.#request<Json>('PATCH', `/orgs/${orgName}/access-tokens/${id}`, params, orgAccessToken, true);
  deleteOrgAccessToken = (orgName: string, id: string) =>
    this.#request<void>('DELETE', `/orgs/${orgName}/access-tokens/${id}`);

  // client_organization.go
  getOrg = (orgName: string) => this.#request<Json>('GET', `/orgs/${orgName}/`, undefined, org);
  listOrgMembers = (orgName: string) => this.#paginate<Json>(`/orgs/${orgName}/members`, orgMember);
  getOrgSettings = (orgName: string) =>
    this.#request<Json>('GET', `/orgs/${orgName}/settings/`, undefined, org);
  getOrgTeam = (orgName: string, team: string) =>
    this.#request<Json>('GET', `/orgs/${orgName}/groups/${team}/`, undefined, orgTeam);
  /** `json.Marshal(OrgTeam)`: every field of the struct, zero values included. */
  createOrgTeam = (orgName: string, team: { name: string; description: string }) =>
    this.#request<Json>(
      'POST',
      `/orgs/${orgName}/groups/`,
      { id: 0, uuid: '', ...team, member_count: 0 },
      orgTeam,
    );
  updateOrgTeam = (orgName: string, teamName: string, team: { name: string; description: string }) =>
    this.#request<Json>(
      'PATCH',
      `/orgs/${orgName}/groups/${teamName}/`,
      { id: 0, uuid: '', ...team, member_count: 0 },
      orgTeam,
    );
  deleteOrgTeam = (orgName: string, team: string) =>
    this.#request<void>('DELETE', `/orgs/${orgName}/groups/${team}/`);
  deleteOrgTeamMember = (orgName: string, team: string, user: string) =>
    this.#request<void>('DELETE', `/orgs/${orgName}/groups/${team}/members/${user}`);
  addOrgTeamMember = (orgName: string, team: string, user: string) =>
    this.#request<void>('POST', `/orgs/${orgName}/groups/${team}/members/`, { member: user });
  listOrgTeamMembers = (orgName: string, team: string) =>
    this.#paginate<Json>(`/orgs/${orgName}/groups/${team}/members/`, orgTeamMember);
  getOrgSettingImageAccessManagement = (orgName: string) =>
    this.#request<Json>('GET', `/orgs/${orgName}/settings/`, undefined, imageAccessManagement);
  /** `json.Marshal` of the whole struct, then the settings read again. */
  setOrgSettingImageAccessManagement = async (orgName: string, settings: Json) => {
    await this.#request<void>('PUT', `/orgs/${orgName}/settings`, settings);
    return this.getOrgSettingImageAccessManagement(orgName);
  };
  getOrgSettingRegistryAccessManagement = (orgName: string) =>
    this.#request<Json>(
      'GET',
      `/orgs/${orgName}/settings/registry-access-management`,
      undefined,
      registryAccessManagement,
    );
  /** Go marshals a nil slice as `null`: `settings` passes lists or nulls as the provider would. */
  setOrgSettingRegistryAccessManagement = async (orgName: string, settings: Json) => {
    await this.#request<void>('PUT', `/orgs/${orgName}/settings/registry-access-management`, settings);
    return this.getOrgSettingRegistryAccessManagement(orgName);
  };
  listOrgInvites = async (orgName: string) =>
    (
      await this.#request<{ data: Json[] }>('GET', `/orgs/${orgName}/invites`, undefined, {
        struct: { data: { slice: orgInvite } },
      })
    ).data;
  inviteOrgMember = (orgName: string, role: string, invitees: string[], dryRun: boolean) =>
    this.#request<{ invitees: Json[] }>(
      'POST',
      '/invites/bulk',
      { org: orgName, team: '', invitees, role, dry_run: dryRun },
      { struct: { invitees: { slice: { struct: { invitee: str, status: str, invite: orgInvite } } } } },
    );
  deleteOrgInvite = (id: string) => this.#request<void>('DELETE', `/invites/${id}`);
  deleteOrgMember = (orgName: string, user: string) =>
    this.#request<void>('DELETE', `/orgs/${orgName}/members/${user}/`);
  updateOrgMember = (orgName: string, user: string, role: 'owner' | 'editor' | 'member') =>
    this.#request<void>('PUT', `/orgs/${orgName}/members/${user}/`, { role });

  // client_repository.go
  createRepository = (
    namespace: string,
    req: {
      name: string;
      description: string;
      full_description: string;
      registry: string;
      is_private: boolean;
    },
  ) => this.#request<Json>('POST', `/namespaces/${namespace}/repositories`, req, repository);
  updateRepository = (
    id: string,
    req: { description: string; full_description: string; immutable_tags: boolean },
  ) => this.#request<Json>('PATCH', `/repositories/${id}/`, req, repository);
  setRepositoryPrivacy = (id: string, isPrivate: boolean) =>
    this.#request<void>('POST', `/repositories/${id}/privacy`, { is_private: isPrivate });
  getRepository = (id: string) => this.#request<Json>('GET', `/repositories/${id}/`, undefined, repository);
  deleteRepository = (id: string) => this.#request<void>('DELETE', `/repositories/${id}/`);
  getRepositoryTags = (namespace: string, name: string) =>
    this.#paginate<Json>(`/namespaces/${namespace}/repositories/${name}/tags`, tag);
  getRepositoryTag = (namespace: string, name: string, tagName: string) =>
    this.#request<Json>('GET', `/repositories/${namespace}/${name}/tags/${tagName}`, undefined, tag);
  getRepositories = (namespace: string) => this.#paginate<Json>(`/repositories/${namespace}/`, repository);
  createPermissionForTeamAndRepo = (repo: string, teamId: number, permission: string) =>
    this.#request<Json>(
      'POST',
      `/repositories/${repo}/groups/`,
      { group_id: teamId, group_name: '', permission },
      teamRepoPermission,
    );
  getPermissionForTeamAndRepo = (repo: string, teamId: number) =>
    this.#request<Json>('GET', `/repositories/${repo}/groups/${teamId}/`, undefined, teamRepoPermission);
  updatePermissionForTeamAndRepo = (repo: string, teamId: number, permission: string) =>
    this.#request<Json>(
      'PATCH',
      `/repositories/${repo}/groups/${teamId}/`,
      { group_id: 0, group_name: '', permission },
      teamRepoPermission,
    );
  deletePermissionForTeamAndRepo = (repo: string, teamId: number) =>
    this.#request<void>('DELETE', `/repositories/${repo}/groups/${teamId}/`);
}
