/**
 * `docker-credential-tokenhub`: docker's credential-helper protocol
 * (github.com/docker/docker-credential-helpers, client/client.go), used by docker, skopeo, podman
 * and buildah through `credHelpers` (set up by `tokenhub login --configure-docker|--configure-containers`).
 *
 * - `get` (stdin: a registry host or URL) → `{"ServerURL","Username","Secret"}` with the token
 *   `tokenhub login` stored for the tokenhub server that serves that registry host. A host no
 *   server serves, or a server without a token credential, answers "credentials not found in native
 *   keychain" on stdout with exit code 1: the clients then go on without credentials.
 * - `store` (stdin: JSON credentials) → accepted and ignored: `tokenhub login` is the way in.
 * - `erase` (stdin: host) → forgets that the host belongs to a tokenhub server (`docker logout`);
 *   the sign-in itself stays, see `tokenhub logout`.
 * - `list` → `{"<host>": "<username>"}` for every host that `get` would answer.
 * - `version` → the version.
 */
import { readCliEnv } from '../client/cli-env.ts';
import { normalizeRegistryHost, readCredentials, updateCredentials } from '../client/credential-store.ts';
import { cliVersion } from '../client/http-client.ts';

/** The protocol's "not found" message: clients compare the text (credentials.errCredentialsNotFoundMessage). */
export const notFoundMessage = 'credentials not found in native keychain';

interface HelperIo {
  stdin: string;
  write(text: string): void;
}

/** Tokens usable at the registry; a password session is a Hub API JWT the registry does not take. */
const registryKinds = new Set(['auto', 'pat', 'oat']);

function credentialsFor(configDir: string, host: string): { username: string; secret: string } | undefined {
  const file = readCredentials(configDir);
  const server = file.registries[host];
  const credential = server ? file.servers[server] : undefined;
  if (!credential || !registryKinds.has(credential.kind)) return undefined;
  return { username: credential.username, secret: credential.token };
}

/**
 * Runs one helper action.
 * @returns the exit code.
 */
export function runCredentialHelper(
  actionName: string | undefined,
  io: HelperIo,
  env = readCliEnv(),
): number {
  const input = io.stdin.trim();
  switch (actionName) {
    case 'get': {
      const found = credentialsFor(env.configDir, normalizeRegistryHost(input));
      if (!found) {
        io.write(`${notFoundMessage}\n`);
        return 1;
      }
      io.write(`${JSON.stringify({ ServerURL: input, Username: found.username, Secret: found.secret })}\n`);
      return 0;
    }
    case 'store':
      return 0;
    case 'erase': {
      const host = normalizeRegistryHost(input);
      const file = readCredentials(env.configDir);
      if (file.registries[host] !== undefined)
        updateCredentials(env.configDir, (f) => delete f.registries[host]);
      return 0;
    }
    case 'list': {
      const file = readCredentials(env.configDir);
      const hosts = Object.keys(file.registries).flatMap((host) => {
        const found = credentialsFor(env.configDir, host);
        return found ? [[host, found.username] as const] : [];
      });
      io.write(`${JSON.stringify(Object.fromEntries(hosts))}\n`);
      return 0;
    }
    case 'version':
    case '--version':
      io.write(`docker-credential-tokenhub ${cliVersion}\n`);
      return 0;
    default:
      io.write('Usage: docker-credential-tokenhub <store|get|erase|list|version>\n');
      return 2;
  }
}

async function readAllStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The executable's entry point (bin/docker-credential-tokenhub.js). */
export async function main(argv: readonly string[]): Promise<void> {
  const actionName = argv[0];
  const needsInput = actionName === 'get' || actionName === 'store' || actionName === 'erase';
  try {
    const stdin = needsInput ? await readAllStdin() : '';
    process.exitCode = runCredentialHelper(actionName, {
      stdin,
      write: (text) => process.stdout.write(text),
    });
  } catch (error) {
    process.stdout.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
