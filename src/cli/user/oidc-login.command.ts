/**
 * `tokenhub oidc login`: a CI job signs in with its own identity token (docs/oidc.md). The token
 * comes from `--token-file`, `--token-env VAR`, `--token-stdin`, else `$TOKENHUB_ID_TOKEN` (GitLab:
 * an `id_tokens:` entry of that name), else GitHub Actions' token service
 * (`ACTIONS_ID_TOKEN_REQUEST_URL`, with `permissions: id-token: write`). It is exchanged at
 * `POST /v2/oidc/token` for a short-lived token, written for each `--registry` into
 * `$DOCKER_CONFIG/config.json` as `docker login` would, or printed with `--print-token`. Nothing is
 * kept in tokenhub's credential store.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { OidcExchangeObject } from '../../api/contract/oidc.contract.ts';
import { action, collect, userCommand } from '../client/command-kit.ts';
import { normalizeRegistryHost } from '../client/credential-store.ts';
import { setRegistryAuth } from '../client/docker-config.ts';
import { apiRequest } from '../client/http-client.ts';
import { cliEnv, resolveServer, UsageError } from '../client/hub-session.ts';
import { localTime } from '../client/output.ts';
import { readStdin } from '../client/terminal.ts';

interface OidcLoginOptions {
  server?: string;
  connection?: string;
  tokenFile?: string;
  tokenEnv?: string;
  tokenStdin?: boolean;
  audience?: string;
  registry?: string[];
  printToken?: boolean;
}

/** GitHub Actions' identity token for `audience` (the job needs `permissions: id-token: write`). */
async function githubActionsToken(audience: string): Promise<string> {
  const url = new URL(process.env.ACTIONS_ID_TOKEN_REQUEST_URL ?? '');
  url.searchParams.set('audience', audience);
  const response = await fetch(url, {
    headers: {
      authorization: `bearer ${process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN}`,
      accept: 'application/json',
    },
  });
  if (!response.ok)
    throw new Error(`GitHub Actions would not give an identity token: HTTP ${response.status}`);
  const { value } = (await response.json()) as { value?: string };
  if (!value) throw new Error('GitHub Actions answered without an identity token');
  return value;
}

async function readIdToken(options: OidcLoginOptions, server: string): Promise<string> {
  const given = [options.tokenFile, options.tokenEnv, options.tokenStdin].filter(Boolean).length;
  if (given > 1) throw new UsageError('give one of --token-file, --token-env and --token-stdin');
  let token: string | undefined;
  if (options.tokenFile) token = readFileSync(options.tokenFile, 'utf8');
  else if (options.tokenEnv) {
    token = process.env[options.tokenEnv];
    if (!token) throw new UsageError(`$${options.tokenEnv} is empty or unset`);
  } else if (options.tokenStdin) token = await readStdin();
  else if (process.env.TOKENHUB_ID_TOKEN) token = process.env.TOKENHUB_ID_TOKEN;
  else if (process.env.ACTIONS_ID_TOKEN_REQUEST_URL && process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
    token = await githubActionsToken(options.audience ?? server);
  }
  if (!token?.trim()) {
    throw new UsageError(
      'no identity token: give --token-file, --token-env or --token-stdin, set TOKENHUB_ID_TOKEN, or run in GitHub Actions with id-token: write',
    );
  }
  return token.trim();
}

export function registerOidcLoginCommand(oidc: Command): void {
  userCommand(
    oidc,
    'login',
    "Exchange this CI job's identity token for a short-lived token and log docker in with it",
    [
      'tokenhub oidc login --server https://hub.example.com --connection $CONNECTION_ID --registry registry.example.com',
      'tokenhub oidc login --connection $CONNECTION_ID --token-env GITLAB_OIDC_TOKEN --print-token',
    ],
    { format: false },
  )
    .option('--connection <id>', 'the OIDC connection (default: $TOKENHUB_OIDC_CONNECTION_ID)')
    .option('--token-file <path>', 'read the identity token from a file')
    .option('--token-env <variable>', 'read the identity token from an environment variable')
    .option('--token-stdin', 'read the identity token from standard input')
    .option('--audience <aud>', 'the audience to ask GitHub Actions for (default: the server URL)')
    .option(
      '--registry <host>',
      'write the login for this registry into $DOCKER_CONFIG/config.json (repeatable)',
      collect,
    )
    .option('--print-token', 'print only the exchanged token (for docker login --password-stdin)')
    .action(
      action(async (options: OidcLoginOptions) => {
        const server = resolveServer(options, cliEnv(), true);
        const connection = options.connection ?? process.env.TOKENHUB_OIDC_CONNECTION_ID;
        if (!connection)
          throw new UsageError('which connection? pass --connection ID or set TOKENHUB_OIDC_CONNECTION_ID');
        const registries = (options.registry ?? []).map(normalizeRegistryHost);
        if (registries.length === 0 && !options.printToken) {
          throw new UsageError('give --registry HOST (repeatable) or --print-token');
        }
        const idToken = await readIdToken(options, server);
        const { body } = await apiRequest<OidcExchangeObject>(server, 'POST', '/v2/oidc/token', {
          json: { connection_id: connection, id_token: idToken },
        });
        for (const host of registries)
          setRegistryAuth(cliEnv().dockerConfigPath, host, body.username, body.token);
        if (options.printToken) return void process.stdout.write(`${body.token}\n`);
        const grants = body.resources
          .map((r) => `${r.path}: ${r.scopes.map((s) => s.replace('scope-image-', '')).join(', ')}`)
          .join('; ');
        process.stdout.write(
          `Logged in to ${registries.join(', ')} as ${body.username} until ${localTime(body.expires_at)} (${grants})\n`,
        );
      }),
    );
}
