/**
 * The soak's load: `clients` virtual clients, each on one keep-alive connection of its own, each
 * sending its next request as soon as the previous one is answered (a closed loop), picking what
 * to do by weight (`mix`): mostly `/token` with seeded PATs, and the Hub API around it (token
 * lists, PAT creation and deletion, password sign-ins, device sign-ins from start to revocation,
 * organization tokens kept at their tier's cap). Every answer is counted by kind and status, with
 * its latency in a 0.1 ms histogram.
 */
import { Agent, request } from 'node:http';
import type { SeededCredential } from './seed.ts';

export const mix = {
  token: 85,
  list: 5,
  patCreate: 3.5,
  patDelete: 3.5,
  oat: 1.5,
  device: 1,
  signIn: 0.3,
} as const;
export type Kind = keyof typeof mix | 'deviceStep' | 'oatDelete';

const bucketsPerMs = 10;
const maxMs = 10_000;

export class Tally {
  readonly statuses = new Map<string, number>();
  readonly errors = new Map<string, number>();
  readonly histogram = new Uint32Array(maxMs * bucketsPerMs + 1);
  count = 0;

  add(kind: Kind, status: number, ms: number, error?: string): void {
    const key = `${kind} ${status}`;
    this.statuses.set(key, (this.statuses.get(key) ?? 0) + 1);
    if (error) this.errors.set(error, (this.errors.get(error) ?? 0) + 1);
    const bucket = Math.min(this.histogram.length - 1, Math.round(ms * bucketsPerMs));
    this.histogram[bucket] = (this.histogram[bucket] ?? 0) + 1;
    this.count++;
  }

  percentile(p: number): number {
    let seen = 0;
    const goal = Math.ceil((this.count * p) / 100);
    for (let i = 0; i < this.histogram.length; i++) {
      seen += this.histogram[i] ?? 0;
      if (seen >= goal) return i / bucketsPerMs;
    }
    return maxMs;
  }
}

interface Answer {
  status: number;
  ms: number;
  // biome-ignore lint/suspicious/noExplicitAny: bodies are read as each step needs.
  json: any;
  error?: string;
}

export interface SoakPlan {
  url: string;
  clients: number;
  /** Seeded PATs for `/token`. */
  credentials: SeededCredential[];
  /** Seeded accounts used for the Hub API (each with the shared password). */
  accounts: string[];
  password: string;
  /** Organizations on the Team tier, owned by `accounts[0]`. */
  orgs: string[];
  tally: () => Tally;
}

const sessionLifetimeMs = 5 * 60_000;

export function runLoad(plan: SoakPlan): { stop(): Promise<void> } {
  let running = true;
  const sessions = new Map<string, { jwt: string; at: number }>();
  const pats = new Map<string, string[]>();
  const oats = new Map<string, string[]>();
  const totalWeight = Object.values(mix).reduce((a, b) => a + b, 0);

  const loops = Array.from({ length: plan.clients }, async (_, client) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const address = `10.0.${client >> 8}.${client & 255}`;
    const send = (
      kind: Kind,
      method: string,
      path: string,
      options: { bearer?: string; basic?: string; json?: unknown; form?: Record<string, string> } = {},
    ): Promise<Answer> => {
      const started = performance.now();
      const headers: Record<string, string> = { 'x-forwarded-for': address, 'user-agent': 'tokenhub-soak' };
      let body: string | undefined;
      if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
      if (options.basic) headers.authorization = `Basic ${options.basic}`;
      if (options.json !== undefined) {
        body = JSON.stringify(options.json);
        headers['content-type'] = 'application/json';
      } else if (options.form) {
        body = new URLSearchParams(options.form).toString();
        headers['content-type'] = 'application/x-www-form-urlencoded';
      }
      return new Promise((resolve) => {
        const finish = (status: number, text: string, error?: string) => {
          const ms = performance.now() - started;
          plan.tally().add(kind, status, ms, error);
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status, ms, json, ...(error ? { error } : {}) });
        };
        const req = request(`${plan.url}${path}`, { method, headers, agent, timeout: 30_000 }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            text += chunk;
          });
          res.on('end', () => finish(res.statusCode ?? 0, text));
          res.on('error', (error) => finish(0, '', error.message));
        });
        req.on('timeout', () => req.destroy(new Error('client timeout')));
        req.on('error', (error: NodeJS.ErrnoException) => finish(0, '', error.code ?? error.message));
        req.end(body);
      });
    };

    const sessionOf = async (account: string): Promise<string> => {
      const known = sessions.get(account);
      if (known && Date.now() - known.at < sessionLifetimeMs) return known.jwt;
      const login = await send('signIn', 'POST', '/v2/users/login', {
        json: { username: account, password: plan.password },
      });
      const jwt = String(login.json?.token ?? '');
      sessions.set(account, { jwt, at: Date.now() });
      return jwt;
    };

    for (let i = client; running; i += plan.clients) {
      const account = plan.accounts[i % plan.accounts.length] ?? '';
      let roll = Math.random() * totalWeight;
      const kind =
        (Object.keys(mix) as Array<keyof typeof mix>).find((k) => {
          roll -= mix[k];
          return roll < 0;
        }) ?? 'token';
      if (kind === 'token') {
        const credential = plan.credentials[i % plan.credentials.length];
        if (!credential) continue;
        const basic = Buffer.from(`${credential.username}:${credential.secret}`).toString('base64');
        await send(
          'token',
          'GET',
          `/token?service=tokenhub-registry&scope=repository:${credential.username}/app:pull,push`,
          {
            basic,
          },
        );
      } else if (kind === 'list') {
        await send('list', 'GET', '/v2/access-tokens?page=1&page_size=25', {
          bearer: await sessionOf(account),
        });
      } else if (kind === 'signIn') {
        sessions.delete(account);
        await sessionOf(account);
      } else if (kind === 'patCreate' || kind === 'patDelete') {
        const pool = pats.get(account) ?? [];
        pats.set(account, pool);
        const jwt = await sessionOf(account);
        if (kind === 'patDelete' && pool.length > 0) {
          await send('patDelete', 'DELETE', `/v2/access-tokens/${pool.shift()}`, { bearer: jwt });
        } else if (pool.length < 20) {
          const made = await send('patCreate', 'POST', '/v2/access-tokens', {
            bearer: jwt,
            json: { token_label: `soak ${i}`, scopes: ['repo:read'] },
          });
          if (made.status === 201) pool.push(made.json.uuid);
        }
      } else if (kind === 'oat') {
        const org = plan.orgs[i % plan.orgs.length] ?? '';
        const owned = oats.get(org) ?? [];
        oats.set(org, owned);
        const jwt = await sessionOf(plan.accounts[0] ?? '');
        const made = await send('oat', 'POST', `/v2/orgs/${org}/access-tokens`, {
          bearer: jwt,
          json: {
            label: `soak ${i}`,
            resources: [{ type: 'TYPE_REPO', path: `${org}/*`, scopes: ['scope-image-pull'] }],
          },
        });
        if (made.status === 201) owned.push(made.json.id);
        // At the cap (409): make room, so the next creations race at the cap again.
        if (made.status === 409 && owned.length > 0) {
          await send('oatDelete', 'DELETE', `/v2/orgs/${org}/access-tokens/${owned.shift()}`, {
            bearer: jwt,
          });
        }
      } else {
        const started = await send('device', 'POST', '/oauth/device/code', {
          form: { client_id: `soak-${client}` },
        });
        if (started.status !== 200) continue;
        const jwt = await sessionOf(account);
        await send('deviceStep', 'POST', '/v2/device/verify', {
          bearer: jwt,
          json: { user_code: started.json.user_code, action: 'approve' },
        });
        const token = await send('deviceStep', 'POST', '/oauth/token', {
          form: {
            grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
            device_code: started.json.device_code,
            client_id: `soak-${client}`,
          },
        });
        if (token.status === 200) {
          await send('deviceStep', 'POST', '/oauth/revoke', { form: { token: token.json.access_token } });
        }
      }
    }
    agent.destroy();
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}
