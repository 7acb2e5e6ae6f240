/**
 * The flags of fine-grained personal tokens and address allowlists, for `token create` (and
 * `org token create` for `--allow`):
 * - `--repo acme/api:push`, `--repo 'alice/*:pull'`, `--repo alice/app:delete` → a `TYPE_REPO`
 *   resource (push and delete imply pull on the server);
 * - `--public-read` → `*\/*\/public` with pull;
 * - `--allow 10.0.0.0/8`, `--allow 2001:db8::/32`, `--allow 192.0.2.7` → `allowed_cidrs`.
 * The server checks them all again and says what is wrong; these checks only catch typos early.
 */
import { isIP } from 'node:net';
import { InvalidArgumentError } from 'commander';

type PatResource = { type: 'TYPE_REPO'; path: string; scopes: string[] };

const publicPath = '*/*/public';

/** Checks `--repo NAMESPACE/REPOSITORY:pull|push|delete` as it is parsed. */
export function parsePatRepoFlag(value: string): string {
  if (!/^[^:\s/]+\/[^:\s]+:(pull|push|delete)$/.test(value)) {
    throw new InvalidArgumentError(
      'Use NAMESPACE/REPOSITORY:ACTION (pull, push or delete), e.g. acme/api:push.',
    );
  }
  return value;
}

/** Checks `--allow ADDRESS[/PREFIX]` as it is parsed. */
export function parseAllowFlag(value: string): string {
  const address = value.split('/')[0] ?? '';
  if (isIP(address) === 0) {
    throw new InvalidArgumentError('Use an IPv4 or IPv6 network, e.g. 10.0.0.0/8 or 2001:db8::/32.');
  }
  return value;
}

/** The API's resources for `--repo` and `--public-read`; the same path twice merges its actions. */
export function patResourcesFromFlags(repos: readonly string[] = [], publicRead = false): PatResource[] {
  const byPath = new Map<string, Set<string>>();
  const add = (path: string, scope: string) => byPath.set(path, (byPath.get(path) ?? new Set()).add(scope));
  for (const spec of repos) {
    const colon = spec.lastIndexOf(':');
    add(spec.slice(0, colon), `scope-image-${spec.slice(colon + 1)}`);
  }
  if (publicRead) add(publicPath, 'scope-image-pull');
  return [...byPath].map(([path, scopes]) => ({ type: 'TYPE_REPO', path, scopes: [...scopes] }));
}

/** `acme/api:pull,push; public:pull`, or `all repositories the level allows` for a plain token. */
export function describePatResources(
  resources: ReadonlyArray<{ path: string; scopes: readonly string[] }>,
): string {
  if (resources.length === 0) return 'every repository its level allows';
  return resources
    .map(
      (r) =>
        `${r.path === publicPath ? 'public' : r.path}:${r.scopes.map((s) => s.replace(/^scope-image-/, '')).join(',')}`,
    )
    .join('; ');
}
