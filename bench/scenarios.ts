/**
 * The requests of each scenario, as a docker client, a CI job or the Hub API would send them. Every
 * credential scenario cycles through the seeded sample of tokens (spread over the whole dataset),
 * so a 1 M-token run reads index pages all over the table instead of one hot row.
 */
import type { LoadRequest } from './load.ts';
import { peerClient, peerResource } from './peer-client.ts';
import type { SeededCredential, SeedResult } from './seed.ts';

export const scenarioIds = [
  'token-pat',
  'token-fine-grained',
  'token-anonymous',
  'docker-login',
  'token-list',
  'password-login',
] as const;
export type ScenarioId = (typeof scenarioIds)[number];

/**
 * Scenarios whose requests are handed out from one shared counter (bench/load.ts `spread`): 50
 * connections starting in step would otherwise try 50 logins of one account at once, which the
 * per-account failure limit refuses by design (it reserves a slot per attempt in flight).
 */
export const spreadScenarios: ReadonlySet<ScenarioId> = new Set(['password-login']);

export const scenarioTitles: Record<ScenarioId | 'hello-world' | 'oidc-provider', string> = {
  'token-pat': '`/token`, PAT, one repository scope (push+pull on own private repo)',
  'token-fine-grained':
    '`/token`, fine-grained PAT (5 resources), the same request as `token-pat`, taking turns with it',
  'token-anonymous': '`/token`, anonymous, pull on a public repository',
  'docker-login': '`/token` as `docker login` sends it (PAT, no scope, `offline_token=true`)',
  'token-list': 'Hub API `GET /v2/access-tokens` with a session JWT (10 tokens listed)',
  'password-login': '`POST /v2/users/login` with a password (argon2id, 19 MiB, t=2)',
  'hello-world': 'Fastify hello-world JSON route (baseline)',
  'oidc-provider': 'oidc-provider token endpoint, client_credentials, ES256 JWT (peer)',
};

export const registryService = 'tokenhub-registry';

const basic = (username: string, secret: string) =>
  `Basic ${Buffer.from(`${username}:${secret}`).toString('base64')}`;

/** Hub session JWTs for a few sampled users (`token-list` needs them); made through the real login. */
export async function loginSessions(url: string, seeded: SeedResult, count: number): Promise<string[]> {
  const users = [...new Set(seeded.sample.map((c) => c.username))].slice(0, count);
  const sessions: string[] = [];
  for (const username of users) {
    const response = await fetch(`${url}/v2/users/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: seeded.password }),
    });
    if (!response.ok) throw new Error(`login of ${username} failed: ${response.status}`);
    sessions.push(((await response.json()) as { token: string }).token);
  }
  return sessions;
}

export function tokenhubRequests(
  scenario: ScenarioId,
  seeded: SeedResult,
  sessions: readonly string[],
): LoadRequest[] {
  const each = (make: (credential: SeededCredential) => LoadRequest) => seeded.sample.map(make);
  switch (scenario) {
    case 'token-pat':
      return each(({ username, secret }) => ({
        method: 'GET',
        path: `/token?service=${registryService}&scope=repository:${username}/app:pull,push`,
        headers: { authorization: basic(username, secret), 'user-agent': 'docker/28.0.1 (bench)' },
      }));
    case 'token-fine-grained':
      return seeded.fineGrainedSample.map(({ username, secret }) => ({
        method: 'GET',
        path: `/token?service=${registryService}&scope=repository:${username}/app:pull,push`,
        headers: { authorization: basic(username, secret), 'user-agent': 'docker/28.0.1 (bench)' },
      }));
    case 'token-anonymous':
      return [
        {
          method: 'GET',
          path: `/token?service=${registryService}&scope=repository:${seeded.publicRepository}:pull`,
          headers: { 'user-agent': 'docker/28.0.1 (bench)' },
        },
      ];
    case 'docker-login':
      return each(({ username, secret }) => ({
        method: 'GET',
        path: `/token?account=${username}&client_id=docker&offline_token=true&service=${registryService}`,
        headers: { authorization: basic(username, secret), 'user-agent': 'docker/28.0.1 (bench)' },
      }));
    case 'token-list':
      return sessions.map((jwt) => ({
        method: 'GET',
        path: '/v2/access-tokens',
        headers: { authorization: `Bearer ${jwt}` },
      }));
    case 'password-login':
      return [...new Set(seeded.sample.map((c) => c.username))].slice(0, 50).map((username) => ({
        method: 'POST',
        path: '/v2/users/login',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: seeded.password }),
      }));
  }
}

export const helloWorldRequests: LoadRequest[] = [{ method: 'GET', path: '/' }];

export const oidcPeerRequests: LoadRequest[] = [
  {
    method: 'POST',
    path: '/token',
    headers: {
      authorization: basic(peerClient.id, peerClient.secret),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: `grant_type=client_credentials&scope=repository%3Apull&resource=${encodeURIComponent(peerResource)}`,
  },
];
