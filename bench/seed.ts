/**
 * Seeds a migrated tokenhub database with `users` accounts of `tokensPerUser` personal access
 * tokens each, fast enough for 1 M tokens in well under a minute on SQLite:
 * - one argon2id hash is computed once and shared by every account (argon2 is ~20 ms a hash);
 * - token secrets have the real format (`generateTokenSecret`: CSPRNG body, CRC32 checksum) and
 *   are stored as their SHA-256, as the service stores them; only a sample of secrets is kept in
 *   memory, for the load generator;
 * - rows go in as multi-row inserts inside large transactions (SQLite: one prepared statement of
 *   `rowsPerStatement` rows; PostgreSQL: one `INSERT … SELECT FROM unnest($1::text[], …)` per
 *   batch, so a batch is one round trip whatever its size).
 *
 * The second token of every user is fine-grained: it lists five repositories of its owner (the
 * one `/token` asks for among them, not first), so `token-fine-grained` measures what resources
 * cost against `token-pat` on the same dataset (`fineGrainedSample`, the same users).
 *
 * The schema comes from the service's own migrations; only the columns listed here are written,
 * so a later migration that adds a column with a default keeps the seeding working.
 */
import { hashPassword } from '../src/core/password-hashing.ts';
import { generateTokenSecret, hashTokenSecret, tokenHint } from '../src/core/token-secret.ts';

export interface SeedPlan {
  users: number;
  tokensPerUser: number;
  /** How many token secrets to keep for the load generator, spread evenly over the dataset. */
  sampleSize: number;
  tokenPrefix: string;
}

export interface SeededCredential {
  username: string;
  secret: string;
}

export interface SeedResult {
  /** The shared password of every account. */
  password: string;
  /** Token secrets spread evenly over all users (so over the whole hash index). */
  sample: SeededCredential[];
  /** The fine-grained token of each user in `sample`, in the same order. */
  fineGrainedSample: SeededCredential[];
  /** Each sampled user has a private repository `<username>/app`; this one is public. */
  publicRepository: string;
  tokens: number;
  seconds: number;
}

/** A destination for batches of rows: SQLite or PostgreSQL (see bench/seed-targets.ts). */
export interface SeedSink {
  insert(table: string, columns: readonly string[], rows: readonly unknown[][]): Promise<void>;
  /** Called every `batchRows` rows and at the end (commit the open transaction). */
  checkpoint(): Promise<void>;
}

export const benchPassword = 'bench password 1';
const batchRows = 20_000;

const userColumns = [
  'id',
  'username',
  'email',
  'password_hash',
  'is_admin',
  'created_at',
  'updated_at',
] as const;
const namespaceColumns = ['name', 'kind', 'owner_id'] as const;
const repositoryColumns = [
  'id',
  'namespace',
  'name',
  'is_private',
  'description',
  'created_at',
  'updated_at',
  'created_by',
] as const;
const tokenColumns = [
  'id',
  'owner_kind',
  'owner_id',
  'kind',
  'generated_by',
  'label',
  'description',
  'scopes',
  'secret_hash',
  'hint',
  'client_id',
  'created_at',
  'created_by',
  'creator_ip',
  'creator_ua',
  'is_active',
  'resources',
] as const;

/** The resources of each user's fine-grained token: five, the requested `<user>/app` fourth. */
function fineGrainedResources(username: string): string {
  const entry = (name: string, scope: string) => ({
    type: 'TYPE_REPO',
    path: `${username}/${name}`,
    scopes: [scope],
  });
  return JSON.stringify([
    entry('web', 'scope-image-pull'),
    entry('lib', 'scope-image-pull'),
    entry('docs', 'scope-image-push'),
    entry('app', 'scope-image-push'),
    entry('tools', 'scope-image-delete'),
  ]);
}

/** Deterministic, readable ids: the seeding is about volume, not about id randomness. */
function uuidOf(kind: number, n: number): string {
  const hex = n.toString(16).padStart(12, '0');
  return `0000000${kind}-0000-4000-8000-${hex}`;
}

export function benchUsername(n: number): string {
  return `bench${n.toString().padStart(7, '0')}`;
}

export async function seed(sink: SeedSink, plan: SeedPlan): Promise<SeedResult> {
  const started = performance.now();
  const passwordHash = await hashPassword(benchPassword);
  const now = new Date().toISOString();
  const total = plan.users * plan.tokensPerUser;
  const sampleEvery = Math.max(1, Math.floor(total / plan.sampleSize));
  const sample: SeededCredential[] = [];
  const fineGrainedSample: SeededCredential[] = [];
  const scopes = JSON.stringify(['repo:write']);

  let users: unknown[][] = [];
  let namespaces: unknown[][] = [];
  let repositories: unknown[][] = [];
  let tokens: unknown[][] = [];
  let pending = 0;
  const flush = async () => {
    await sink.insert('users', userColumns, users);
    await sink.insert('namespaces', namespaceColumns, namespaces);
    await sink.insert('repositories', repositoryColumns, repositories);
    await sink.insert('access_tokens', tokenColumns, tokens);
    await sink.checkpoint();
    users = [];
    namespaces = [];
    repositories = [];
    tokens = [];
    pending = 0;
  };

  let tokenNumber = 0;
  for (let u = 0; u < plan.users; u++) {
    const userId = uuidOf(1, u);
    const username = benchUsername(u);
    users.push([userId, username, `${username}@bench.test`, passwordHash, 0, now, now]);
    namespaces.push([username, 'user', userId]);
    repositories.push([uuidOf(2, 2 * u), username, 'app', 1, '', now, now, userId]);
    if (u === 0) repositories.push([uuidOf(2, 2 * u + 1), username, 'public', 0, '', now, now, userId]);
    let sampled = false;
    for (let t = 0; t < plan.tokensPerUser; t++, tokenNumber++) {
      const secret = generateTokenSecret(plan.tokenPrefix, 'pat').reveal();
      const fineGrained = t === 1;
      if (fineGrained) {
        if (sampled) fineGrainedSample.push({ username, secret });
      } else if (tokenNumber % sampleEvery === 0 && sample.length < plan.sampleSize) {
        sample.push({ username, secret });
        sampled = true;
      }
      tokens.push([
        uuidOf(3, tokenNumber),
        'user',
        userId,
        'pat',
        'manual',
        `bench token ${t}`,
        '',
        scopes,
        hashTokenSecret(secret),
        tokenHint(plan.tokenPrefix, secret),
        '',
        now,
        userId,
        '127.0.0.1',
        'tokenhub-bench',
        1,
        fineGrained ? fineGrainedResources(username) : '[]',
      ]);
      pending++;
    }
    if (pending >= batchRows) await flush();
  }
  await flush();
  return {
    password: benchPassword,
    sample,
    fineGrainedSample,
    publicRepository: `${benchUsername(0)}/public`,
    tokens: total,
    seconds: (performance.now() - started) / 1000,
  };
}
