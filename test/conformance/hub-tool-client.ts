/**
 * hub-tool's Hub client (docker/hub-tool `pkg/hub`), request for request: the same methods, paths,
 * query strings (Go's `url.Values.Encode`, keys sorted), headers and bodies (`json.Marshal`), and
 * the answers decoded into its structs as Go decodes them (go-decode.ts). Errors are hub-tool's:
 * 404 is "resource not found", 403 "operation not permitted", other failures carry the status.
 * Requests go through `send`, so the replays can point it at an in-process or a listening tokenhub.
 */
import { type GoType, parseUuid, unmarshal } from './go-decode.ts';

export type Send = (request: {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}) => Promise<{ status: number; body: string }>;

export const hubToolVersion = 'v0.4.6';
const itemsPerPage = 100;
const secondFactorDetail = 'Require secondary authentication on MFA enabled account';

const time = 'time' as const;
const tokenResult = {
  struct: {
    uuid: 'string',
    client_id: 'string',
    creator_ip: 'string',
    creator_ua: 'string',
    created_at: time,
    last_used: time,
    generated_by: 'string',
    is_active: 'bool',
    token: 'string',
    token_label: 'string',
  },
} satisfies GoType;
const pageOf = (item: GoType): GoType => ({
  struct: { count: 'int', next: 'string', previous: 'string', results: { slice: item } },
});
const accountFields = {
  id: 'string',
  full_name: 'string',
  location: 'string',
  company: 'string',
  gravatar_email: 'string',
  gravatar_url: 'string',
  profile_url: 'string',
  date_joined: time,
  type: 'string',
} as const;
const userResponse: GoType = {
  struct: { ...accountFields, username: 'string', is_staff: 'bool', is_admin: 'bool' },
};
const organizationResult: GoType = { struct: { ...accountFields, orgname: 'string' } };
const memberResult: GoType = {
  struct: {
    username: 'string',
    gravatar_url: 'string',
    full_name: 'string',
    company: 'string',
    type: 'string',
    location: 'string',
    date_joined: time,
    id: 'string',
    profile_url: 'string',
  },
};
const member: GoType = { struct: { username: 'string', full_name: 'string' } };
const groupResult: GoType = { struct: { name: 'string', description: 'string', id: 'int' } };
const repositoryResult: GoType = {
  struct: {
    name: 'string',
    namespace: 'string',
    pull_count: 'int',
    star_count: 'int',
    repository_type: 'string',
    can_edit: 'bool',
    description: 'string',
    is_automated: 'bool',
    is_migrated: 'bool',
    is_private: 'bool',
    last_updated: time,
    status: 'int',
    user: 'string',
  },
};
const tagImage: GoType = {
  struct: {
    architecture: 'string',
    os: 'string',
    features: 'string',
    variant: 'string',
    digest: 'string',
    os_features: 'string',
    os_version: 'string',
    size: 'int',
    last_pulled: time,
    last_pushed: time,
    status: 'string',
  },
};
const tagResult: GoType = {
  struct: {
    creator: 'int',
    id: 'int',
    name: 'string',
    image_id: 'string',
    last_updated: time,
    last_updater: 'int',
    last_updater_username: 'string',
    images: { slice: tagImage },
    repository: 'int',
    full_size: 'int',
    v2: 'bool',
    tag_last_pulled: time,
    tag_last_pushed: time,
    tag_status: 'string',
  },
};
const planResponse: GoType = {
  struct: {
    name: 'string',
    legacy: 'bool',
    seats: 'int',
    private_repos: 'int',
    teams: 'int',
    collaborators: 'int',
    parallel_builds: 'int',
    duration: 'string',
  },
};

interface Page<T> {
  count: number;
  next: string;
  results: T[];
}
type Token = { uuid: string; token: string; token_label: string; is_active: boolean };
type Account = { id: string; username?: string; orgname?: string };

export class HubToolError extends Error {
  override name = 'HubToolError';
}

/** Go's `url.Values{…}.Encode()`: keys sorted. */
function query(values: Record<string, string>): string {
  return Object.keys(values)
    .sort()
    .map((key) => `${encodeURIComponent(key)}=${encodeURIComponent(values[key] ?? '')}`)
    .join('&');
}

export class HubToolClient {
  token = '';
  account = '';
  /** `WithAllElements`: follow `next` to the end. */
  fetchAll = false;
  /** Every request made, `METHOD url`, for the replays to compare. */
  readonly log: string[] = [];

  readonly send: Send;
  readonly domain: string;

  constructor(send: Send, domain: string) {
    this.send = send;
    this.domain = domain;
  }

  async #raw(method: string, url: string, body?: unknown, auth = true) {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'Content-Type': 'application/json',
      'User-Agent': `hub-tool/${hubToolVersion}`,
      ...(auth ? { Authorization: `Bearer ${this.token}` } : {}),
    };
    this.log.push(`${method} ${url}`);
    return this.send({ method, url, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  }

  /** `doRequest`: the body of a 2xx answer, hub-tool's errors otherwise. */
  async #request(method: string, url: string, body?: unknown): Promise<string> {
    const res = await this.#raw(method, url, body);
    if (res.status === 404) throw new HubToolError('resource not found');
    if (res.status === 403) throw new HubToolError('operation not permitted');
    if (res.status < 200 || res.status >= 300) {
      throw new HubToolError(`bad status code ${res.status}: ${res.body}`);
    }
    return res.body;
  }

  /** `Login`, with the second step when two-factor sign-in is on. */
  async login(username: string, password: string, twoFactorCode?: () => string): Promise<string> {
    const url = `${this.domain}/v2/users/login?refresh_token=true`;
    const res = await this.#raw('POST', url, { username, password }, false);
    if (res.status === 200) {
      this.token = unmarshal<{ token: string }>(res.body, {
        struct: { detail: 'string', token: 'string' },
      }).token;
      this.account = username;
      return this.token;
    }
    if (res.status !== 401) throw new HubToolError(`failed to authenticate: ${res.status}`);
    const challenge = unmarshal<{ detail: string; login_2fa_token: string }>(res.body, {
      struct: { detail: 'string', login_2fa_token: 'string' },
    });
    if (challenge.detail !== secondFactorDetail || !twoFactorCode) throw new HubToolError(challenge.detail);
    const second = await this.#raw(
      'POST',
      `${this.domain}/v2/users/2fa-login?refresh_token=true`,
      { code: twoFactorCode(), login_2fa_token: challenge.login_2fa_token },
      false,
    );
    if (second.status !== 200) throw new HubToolError(`failed to authenticate: ${second.status}`);
    this.token = unmarshal<{ token: string }>(second.body, {
      struct: { token: 'string', refresh_token: 'string' },
    }).token;
    this.account = username;
    return this.token;
  }

  // --- tokens (pkg/hub/tokens.go) ---

  async createToken(description: string): Promise<Token> {
    const body = description ? { token_label: description, is_active: false } : { is_active: false };
    return this.#token(await this.#request('POST', `${this.domain}/v2/api_tokens`, body));
  }

  async getTokens(): Promise<{ tokens: Token[]; total: number }> {
    const first = `${this.domain}/v2/api_tokens?${query({ page_size: String(itemsPerPage), page: '1' })}`;
    const page = await this.#tokenPage(first);
    const tokens = [...page.results];
    let next = page.next;
    while (this.fetchAll && next) {
      const more = await this.#tokenPage(next);
      tokens.push(...more.results);
      next = more.next;
    }
    return { tokens, total: page.count };
  }

  async getToken(uuid: string): Promise<Token> {
    return this.#token(await this.#request('GET', `${this.domain}/v2/api_tokens/${uuid}`));
  }

  async updateToken(uuid: string, description: string, isActive: boolean): Promise<Token> {
    const body = description ? { token_label: description, is_active: isActive } : { is_active: isActive };
    return this.#token(await this.#request('PATCH', `${this.domain}/v2/api_tokens/${uuid}`, body));
  }

  async removeToken(uuid: string): Promise<void> {
    await this.#request('DELETE', `${this.domain}/v2/api_tokens/${uuid}`);
  }

  #token(body: string): Token {
    const token = unmarshal<Token>(body, tokenResult);
    parseUuid(token.uuid);
    return token;
  }

  async #tokenPage(url: string): Promise<Page<Token>> {
    const page = unmarshal<Page<Token>>(await this.#request('GET', url), pageOf(tokenResult));
    for (const token of page.results) parseUuid(token.uuid);
    return page;
  }

  // --- account (user.go, organizations.go, plan.go, consumption.go) ---

  async getUserInfo(): Promise<Account> {
    return unmarshal<Account>(await this.#request('GET', `${this.domain}/v2/user/`), userResponse);
  }

  async getOrganizationInfo(org: string): Promise<Account> {
    return unmarshal<Account>(
      await this.#request('GET', `${this.domain}/v2/orgs/${org}`),
      organizationResult,
    );
  }

  async getHubPlan(accountId: string): Promise<{ name: string; seats: number }> {
    const url = `${this.domain}/api/billing/v4/accounts/${accountId}/hub-plan`;
    return unmarshal(await this.#request('GET', url), planResponse);
  }

  /** `account info`: the user, their repositories (every page), their plan. */
  async accountInfo(): Promise<{ user: Account; privateRepositories: number; plan: { name: string } }> {
    const user = await this.getUserInfo();
    this.fetchAll = true;
    const { repositories } = await this.getRepositories(user.username ?? '');
    const plan = await this.getHubPlan(user.id);
    return { user, privateRepositories: repositories.filter((r) => r.is_private).length, plan };
  }

  /** `account info <org>`: the organization, its consumption (members, teams, repositories), its plan. */
  async orgInfo(
    org: string,
  ): Promise<{ org: Account; seats: number; teams: number; plan: { name: string } }> {
    const account = await this.getOrganizationInfo(org);
    this.fetchAll = true;
    const [seats, teams] = await Promise.all([
      this.#count(`/v2/orgs/${org}/members/`),
      this.#count(`/v2/orgs/${org}/groups/`),
    ]);
    await this.getRepositories(org);
    const plan = await this.getHubPlan(account.id);
    return { org: account, seats, teams, plan };
  }

  async #count(path: string): Promise<number> {
    const url = `${this.domain}${path}?${query({ page_size: '1', page: '1' })}`;
    return unmarshal<{ count: number }>(await this.#request('GET', url), pageOf(member)).count;
  }

  // --- repositories (repositories.go) ---

  async getRepositories(
    account: string,
  ): Promise<{ repositories: { name: string; is_private: boolean }[]; total: number }> {
    const first = `${this.domain}/v2/repositories/${account || this.account}?${query({
      page_size: String(itemsPerPage),
      page: '1',
      ordering: 'last_updated',
    })}`;
    const page = unmarshal<Page<{ name: string; is_private: boolean }>>(
      await this.#request('GET', first),
      pageOf(repositoryResult),
    );
    const repositories = [...page.results];
    let next = page.next;
    while (this.fetchAll && next) {
      const more = unmarshal<Page<{ name: string; is_private: boolean }>>(
        await this.#request('GET', next),
        pageOf(repositoryResult),
      );
      repositories.push(...more.results);
      next = more.next;
    }
    return { repositories, total: page.count };
  }

  async removeRepository(repository: string): Promise<void> {
    await this.#request('DELETE', `${this.domain}/v2/repositories/${repository}/`);
  }

  /** `repo rm` without `--force`: counts the tags first, then removes. */
  async removeRepositoryAfterCount(repository: string): Promise<number> {
    const { total } = await this.getTags(repository);
    await this.removeRepository(repository);
    return total;
  }

  // --- tags (tags.go) ---

  async getTags(repository: string, ordering?: string): Promise<{ tags: { name: string }[]; total: number }> {
    const values: Record<string, string> = { page_size: String(itemsPerPage), page: '1' };
    if (ordering) values.ordering = ordering;
    const url = `${this.domain}/v2/repositories/${repository}/tags/?${query(values)}`;
    const page = unmarshal<Page<{ name: string }>>(await this.#request('GET', url), pageOf(tagResult));
    return { tags: page.results, total: page.count };
  }

  /** `tag rm`: `DELETE /v2/repositories/{repo}/tags/{tag}/`. */
  async removeTag(repository: string, tag: string): Promise<void> {
    await this.#request('DELETE', `${this.domain}/v2/repositories/${repository}/tags/${tag}/`);
  }

  // --- organizations (organizations.go, teams.go, members.go) ---

  /** `org ls`: every organization, with its teams (and their members) and its members. */
  async getOrganizations(): Promise<
    { namespace: string; role: string; teams: string[]; members: string[] }[]
  > {
    const first = `${this.domain}/v2/user/orgs/?${query({ page_size: String(itemsPerPage), page: '1' })}`;
    const page = unmarshal<Page<{ orgname: string }>>(
      await this.#request('GET', first),
      pageOf(organizationResult),
    );
    const organizations = [];
    for (const result of page.results) {
      const [teams, members] = await Promise.all([
        this.getTeams(result.orgname),
        this.getMembers(result.orgname),
      ]);
      organizations.push({
        namespace: result.orgname,
        role: teams.some((team) => team.name === 'owners') ? 'Owner' : 'Member',
        teams: teams.map((team) => team.name),
        members: members.map((m) => m.username),
      });
    }
    return organizations.sort((a, b) => a.namespace.localeCompare(b.namespace));
  }

  async getTeams(org: string): Promise<{ name: string; members: { username: string }[] }[]> {
    const first = `${this.domain}/v2/orgs/${org}/groups/?${query({ page_size: String(itemsPerPage), page: '1' })}`;
    const page = unmarshal<Page<{ name: string }>>(await this.#request('GET', first), pageOf(groupResult));
    const teams = [];
    for (const result of page.results) {
      // GetMembersPerTeam: no page parameters, a plain array.
      const url = `${this.domain}/v2/orgs/${org}/groups/${result.name}/members/`;
      const members = unmarshal<{ username: string }[]>(await this.#request('GET', url), { slice: member });
      teams.push({ name: result.name, members });
    }
    return teams;
  }

  async getMembers(org: string): Promise<{ username: string }[]> {
    const first = `${this.domain}/v2/orgs/${org}/members/?${query({ page_size: String(itemsPerPage), page: '1' })}`;
    const page = unmarshal<Page<{ username: string }>>(
      await this.#request('GET', first),
      pageOf(memberResult),
    );
    const members = [...page.results];
    let next = page.next;
    while (next) {
      const more = unmarshal<Page<{ username: string }>>(
        await this.#request('GET', next),
        pageOf(memberResult),
      );
      members.push(...more.results);
      next = more.next;
    }
    return members;
  }
}
