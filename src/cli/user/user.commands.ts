/**
 * `tokenhub login`, `logout` and `whoami`: signing in to a tokenhub server from a terminal
 * (docs/cli.md). Credentials go to `$XDG_CONFIG_HOME/tokenhub/credentials.json`
 * (client/credential-store.ts); `--configure-docker` / `--configure-containers` point docker and
 * skopeo/podman at `docker-credential-tokenhub` for a registry host.
 */
import type { Command } from 'commander';
import { endCliSession } from '../client/cli-session.ts';
import { action, type CommonOptions, collect, userCommand } from '../client/command-kit.ts';
import { helperNotOnPathWarning, resolveCredentialHelper } from '../client/credential-helper-path.ts';
import {
  type CredentialKind,
  normalizeRegistryHost,
  readCredentials,
  type StoredCredential,
  updateCredentials,
} from '../client/credential-store.ts';
import { deviceSignIn, revokeAutoToken } from '../client/device-flow.ts';
import { addCredentialHelper } from '../client/docker-config.ts';
import { cliEnv, HubSession, resolveServer, UsageError } from '../client/hub-session.ts';
import { formatFields, localTime, writeOutput } from '../client/output.ts';
import { confirmDeviceAccount, mergeSignIn, signInWithSecret } from '../client/sign-in.ts';
import { canPrompt, promptSecret, readStdin } from '../client/terminal.ts';

interface LoginOptions {
  server?: string;
  username?: string;
  passwordStdin?: boolean;
  configureDocker?: string[];
  configureContainers?: string[];
}

const kindDescriptions: Record<CredentialKind | 'env', string> = {
  auto: 'an auto-generated token (device sign-in)',
  pat: 'a personal access token',
  oat: 'an organization access token',
  'cli-session': 'a password sign-in kept on the server',
  'password-session': 'a password session (10 minutes)',
  env: 'TOKENHUB_TOKEN',
};

async function signIn(server: string, options: LoginOptions): Promise<StoredCredential> {
  const env = cliEnv();
  const now = new Date();
  if (options.passwordStdin || options.username) {
    if (!options.username) throw new UsageError('--password-stdin needs --username');
    if (!options.passwordStdin && !canPrompt()) {
      throw new UsageError('no terminal to ask for the password on: pipe it in with --password-stdin');
    }
    const secret = options.passwordStdin ? await readStdin() : await promptSecret('Password: ');
    return signInWithSecret(server, options.username, secret, now);
  }
  const grant = await deviceSignIn(server);
  const username = await confirmDeviceAccount(server, grant.token, [
    grant.username,
    env.username,
    readCredentials(env.configDir).servers[server]?.username,
  ]);
  return {
    username,
    kind: 'auto',
    token: grant.token,
    signed_in_at: now.toISOString(),
    ...(grant.expiresIn
      ? { expires_at: new Date(now.getTime() + grant.expiresIn * 1000).toISOString() }
      : {}),
    // The CLI session approved with the token: token commands refresh it instead of prompting.
    ...(grant.session
      ? {
          password_session: {
            token: grant.session.refreshToken,
            session_id: grant.session.id,
            ...(grant.session.expiresAt ? { expires_at: grant.session.expiresAt } : {}),
          },
        }
      : {}),
  };
}

/** The refresh token of the CLI session a stored credential holds, itself or next to its token. */
function cliSessionOf(stored: StoredCredential | undefined): string | undefined {
  if (stored?.kind === 'cli-session') return stored.token;
  return stored?.password_session?.session_id ? stored.password_session.token : undefined;
}

function loginSummary(server: string, credential: StoredCredential, signedIn: StoredCredential): string {
  const session = credential.password_session;
  if ((signedIn.kind === 'password-session' || signedIn.kind === 'cli-session') && session) {
    return (
      `Logged in to ${server} as ${credential.username} with a password session until ${localTime(session.expires_at)}, ` +
      `for token management; docker keeps ${kindDescriptions[credential.kind]}.\n`
    );
  }
  const until = credential.expires_at ? `, until ${localTime(credential.expires_at)}` : '';
  const lines = [
    `Logged in to ${server} as ${credential.username} (${kindDescriptions[credential.kind]}${until}).`,
  ];
  if (credential.kind === 'auto' && credential.password_session?.session_id) {
    const ends = credential.password_session.expires_at
      ? ` (until ${localTime(credential.password_session.expires_at)})`
      : '';
    lines.push(
      `Token commands use the sign-in approved with it${ends}, kept on the server: no password prompt until`,
      'it ends, you run tokenhub logout, or you end it in the web console (Security → Sessions).',
    );
  }
  if (credential.kind === 'cli-session') {
    lines.push(
      'Only a revocable sign-in is stored, never the password: token commands work without asking again',
      'until it expires, you run tokenhub logout, or you end it in the web console (Security → Sessions).',
    );
  }
  if (credential.kind === 'password-session') {
    lines.push(
      'Only the session is stored, never the password: token management works until it expires.',
      'For a lasting sign-in, run tokenhub login (device sign-in) or pass a token as the password.',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Points `clients` at the helper for `hosts` in the file at `path`; what to tell the user. */
function configureClients(path: string, hosts: readonly string[], clients: string): string {
  if (!hosts.length) return '';
  const { changed, shadowed } = addCredentialHelper(path, hosts);
  let out = changed
    ? `${clients} use${clients === 'docker' ? 's' : ''} docker-credential-tokenhub for ${hosts.join(', ')} (${path})\n`
    : '';
  for (const host of shadowed) {
    out += `  the credential an earlier docker login stored for ${host} stays in the file, unused while tokenhub's helper serves that host\n`;
  }
  return out;
}

function registerLogin(program: Command): void {
  userCommand(
    program,
    'login',
    'Sign in to a tokenhub server: by default in the browser (device sign-in), or with --username',
    [
      'tokenhub login --server https://hub.example.com --configure-docker registry.example.com',
      'echo "$PAT" | tokenhub login --server https://hub.example.com --username alice --password-stdin',
    ],
    { format: false },
  )
    .option('--username <name>', 'sign in with a username and password (or access token) instead')
    .option('--password-stdin', 'read the password or access token from standard input')
    .option(
      '--configure-docker <registry-host>',
      'make docker use docker-credential-tokenhub for this registry ($DOCKER_CONFIG/config.json; repeatable)',
      collect,
    )
    .option(
      '--configure-containers <registry-host>',
      'the same for skopeo, podman and buildah (containers auth.json; repeatable)',
      collect,
    )
    .action(
      action(async (options: LoginOptions) => {
        const env = cliEnv();
        const server = resolveServer(options, env, true);
        const docker = (options.configureDocker ?? []).map(normalizeRegistryHost);
        const containers = (options.configureContainers ?? []).map(normalizeRegistryHost);
        const signedIn = await signIn(server, options);
        let previous: StoredCredential | undefined;
        let credential = signedIn;
        updateCredentials(env.configDir, (file) => {
          previous = file.servers[server];
          credential = mergeSignIn(previous, signedIn);
          file.servers[server] = credential;
          file.current = server;
          for (const host of [...docker, ...containers]) file.registries[host] = server;
        });
        // A new sign-in replaces the previous one's auto-generated token and CLI session.
        if (previous?.kind === 'auto' && previous.token !== credential.token) {
          await revokeAutoToken(server, previous.token).catch(() => undefined);
        }
        const previousSession = cliSessionOf(previous);
        if (previousSession && previousSession !== cliSessionOf(credential)) {
          await endCliSession(server, previousSession).catch(() => undefined);
        }
        let out = loginSummary(server, credential, signedIn);
        out += configureClients(env.dockerConfigPath, docker, 'docker');
        out += configureClients(env.containersAuthPath, containers, 'skopeo and podman');
        process.stdout.write(out);
        if ((docker.length || containers.length) && !resolveCredentialHelper(env.pathDirs)) {
          const clients = [docker.length ? 'docker' : '', containers.length ? 'skopeo and podman' : '']
            .filter(Boolean)
            .join(', ');
          process.stderr.write(helperNotOnPathWarning(clients));
        }
      }),
    );
}

function registerLogout(program: Command): void {
  userCommand(
    program,
    'logout',
    'Forget the credentials for a server; an auto-generated token is revoked on the server first',
    ['tokenhub logout --server https://hub.example.com'],
    { format: false },
  ).action(
    action(async (options: { server?: string }) => {
      const env = cliEnv();
      const server = resolveServer(options, env);
      const stored = readCredentials(env.configDir).servers[server];
      if (!stored) {
        process.stderr.write(`not logged in to ${server}\n`);
        return;
      }
      let revokeError: unknown;
      if (stored.kind === 'auto') await revokeAutoToken(server, stored.token).catch((e) => (revokeError = e));
      // A sign-in kept on the server ends there too (the one next to a token as well).
      const cliSession = cliSessionOf(stored);
      if (cliSession) await endCliSession(server, cliSession).catch((e) => (revokeError = e));
      updateCredentials(env.configDir, (file) => {
        delete file.servers[server];
        if (file.current === server) {
          const [next] = Object.keys(file.servers);
          if (next) file.current = next;
          else delete file.current;
        }
      });
      if (revokeError) {
        const what =
          stored.kind === 'auto' ? 'revoke the auto-generated token' : 'end the sign-in on the server';
        const fix =
          stored.kind === 'auto'
            ? 'delete it with tokenhub token rm'
            : 'end it in the web console (Security → Sessions)';
        throw new Error(
          `forgot the credentials for ${server}, but could not ${what}: ${(revokeError as Error).message}; ${fix}`,
        );
      }
      const revoked =
        stored.kind === 'auto'
          ? cliSession
            ? ' (the auto-generated token was revoked and the sign-in ended on the server)'
            : ' (the auto-generated token was revoked)'
          : cliSession
            ? ' (the sign-in was ended on the server)'
            : '';
      process.stdout.write(`Logged out of ${server}${revoked}\n`);
    }),
  );
}

function registerWhoami(program: Command): void {
  userCommand(program, 'whoami', 'Show the account you are signed in as, and how', [
    'tokenhub whoami --format json',
  ]).action(
    action(async (options: CommonOptions) => {
      const session = HubSession.open(options);
      const credential = session.requireCredential();
      let user: Record<string, unknown> = { username: credential.username };
      const isOat =
        credential.kind === 'oat' || /oat_/.test(credential.kind === 'env' ? credential.token : '');
      // Never trusted from the store or the environment: the server says whether it still works.
      if (isOat) await session.confirmCredential();
      else user = (await session.request<Record<string, unknown>>('GET', '/v2/users/me')).body;
      const passwordSession =
        credential.kind === 'env'
          ? undefined
          : readCredentials(cliEnv().configDir).servers[session.server]?.password_session;
      const result = {
        ...user,
        server: session.server,
        credential: credential.kind,
        ...(passwordSession ? { password_session_expires_at: passwordSession.expires_at ?? null } : {}),
      };
      writeOutput(options.format, result, () =>
        formatFields([
          ['Username', String(user.username)],
          ...(typeof user.email === 'string' ? ([['Email', user.email]] as const) : []),
          ...(user.is_admin === true ? ([['Administrator', 'yes']] as const) : []),
          ['Server', session.server],
          ['Signed in with', kindDescriptions[credential.kind]],
          ...(passwordSession
            ? ([['Password session', `until ${localTime(passwordSession.expires_at)}`]] as const)
            : []),
        ]),
      );
    }),
  );
}

export function registerUserCommands(program: Command): void {
  registerLogin(program);
  registerLogout(program);
  registerWhoami(program);
}
