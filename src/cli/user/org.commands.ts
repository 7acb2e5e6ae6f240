/**
 * `tokenhub org token create|ls|inspect|update|deactivate|rm ORG …`: organization access tokens
 * over `/v2/orgs/{org}/access-tokens` (PROTOCOLS.md §1). Owners with a password session manage
 * them; the server refuses token sessions (see client/hub-session.ts). Members, groups and
 * invites are in org-members.commands.ts; OIDC connections (`org oidc`, and `oidc`) in
 * oidc.commands.ts and oidc-login.command.ts.
 */

import { type Command, Option } from 'commander';
import type { OrgAccessTokenObject as OrgAccessToken } from '../../api/contract/access-tokens.contract.ts';
import { action, type CommonOptions, groupCommand, parseExpiry, userCommand } from '../client/command-kit.ts';
import { fetchAllPages } from '../client/http-client.ts';
import { HubSession, UsageError } from '../client/hub-session.ts';
import {
  describeResources,
  hasResourceFlags,
  orgScopeNames,
  parseOrgScopeFlag,
  parseRepoFlag,
  type ResourceFlags,
  resourcesFromFlags,
} from '../client/org-resources.ts';
import { formatFields, formatTable, localTime, writeJson, writeOutput } from '../client/output.ts';
import { parseAllowFlag } from '../client/pat-flags.ts';
import { dockerLoginHint, registryHostOf } from '../client/registry-login.ts';
import { registerConnectionCommands } from './oidc.commands.ts';
import { registerOrgAdminCommands } from './org-admin.commands.ts';
import { registerOrgMemberCommands } from './org-members.commands.ts';
import { registerOrgTokenPolicyCommand } from './org-token-policy.command.ts';
import { confirmDeletion } from './token.commands.ts';

type ResourceOptions = CommonOptions & ResourceFlags;

const tokensPath = (org: string) => `/v2/orgs/${encodeURIComponent(org)}/access-tokens`;
const tokenPath = (org: string, id: string) => `${tokensPath(org)}/${encodeURIComponent(id)}`;

function oatTable(tokens: readonly OrgAccessToken[]): string {
  return formatTable(
    ['id', 'label', 'resources', 'status', 'created by', 'created', 'last used', 'expires'],
    tokens.map((t) => [
      t.id,
      t.label,
      describeResources(t.resources),
      t.status,
      t.created_by,
      localTime(t.created_at),
      localTime(t.last_used_at),
      localTime(t.expires_at),
    ]),
  );
}

function oatFields(t: OrgAccessToken): string {
  return formatFields([
    ['ID', t.id],
    ['Label', t.label],
    ['Description', t.description],
    ['Resources', describeResources(t.resources)],
    ['Status', t.status],
    ['Starts with', t.token_hint ?? ''],
    ['Created', `${localTime(t.created_at)} by ${t.created_by}`],
    ['Last used', localTime(t.last_used_at)],
    ['Expires', localTime(t.expires_at)],
    ['Networks', t.allowed_cidrs?.length ? t.allowed_cidrs.join(', ') : 'anywhere'],
  ]);
}

/** `--repo`, `--public-read`, `--scope` on a command. */
function withResourceOptions(command: Command): Command {
  return command
    .option(
      '--repo <repo:action>',
      'pull or push on a repository: acme/api:push, web:pull, acme/*:pull (repeatable)',
      (value: string, previous: string[] = []) => [...previous, parseRepoFlag(value)],
    )
    .option('--public-read', 'pull public repositories anywhere')
    .addOption(
      new Option(
        '--scope <scope>',
        `organization access: ${orgScopeNames.join(', ')} (repeatable)`,
      ).argParser((value: string, previous: string[] = []) => [...previous, parseOrgScopeFlag(value)]),
    );
}

function registerCreateAndUpdate(token: Command): void {
  withResourceOptions(
    userCommand(token, 'create <org>', 'Create an organization access token; its secret is shown this once', [
      "tokenhub org token create acme --label ci --repo acme/api:push --repo 'acme/*:pull' --public-read --scope member-read --expires 90d",
    ]),
  )
    .requiredOption('--label <label>', 'its name (1-100 characters)')
    .option('--description <text>', 'what it is for')
    .addOption(
      new Option('--expires <when>', 'a number of days (90d), a date (2026-12-31, UTC) or never')
        .argParser((value) => parseExpiry(value))
        .default(null, 'never'),
    )
    .option(
      '--allow <network>',
      'use only from this IPv4/IPv6 network (CIDR) or address (repeatable)',
      (value: string, previous: string[] = []) => [...previous, parseAllowFlag(value)],
    )
    .option('-q, --quiet', 'print only the secret')
    .action(
      action(
        async (
          org: string,
          options: ResourceOptions & {
            label: string;
            description?: string;
            expires: string | null;
            allow?: string[];
            quiet?: boolean;
          },
        ) => {
          if (!hasResourceFlags(options))
            throw new UsageError('give at least one --repo, --public-read or --scope');
          const session = HubSession.open(options);
          const { body } = await session.request<OrgAccessToken>('POST', tokensPath(org), {
            json: {
              label: options.label,
              ...(options.description !== undefined ? { description: options.description } : {}),
              resources: resourcesFromFlags(org, options),
              ...(options.expires ? { expires_at: options.expires } : {}),
              ...(options.allow?.length ? { allowed_cidrs: options.allow } : {}),
            },
          });
          if (options.quiet) return void process.stdout.write(`${body.token}\n`);
          const hint =
            options.format === 'json' ? '' : dockerLoginHint(org, await registryHostOf(session.server));
          writeOutput(
            options.format,
            body,
            (t) => `${oatFields(t)}\nThe token, shown only this once:\n\n${t.token}\n\n${hint}`,
          );
        },
      ),
    );

  withResourceOptions(
    userCommand(
      token,
      'update <org> <id>',
      'Change the label, description or resources (resource flags replace them all)',
      ['tokenhub org token update acme 0b6b2f4e-5a57-4c2a-9d2c-6f1e8e0c1a2b --repo acme/api:pull'],
    ),
  )
    .option('--label <label>', 'a new label')
    .option('--description <text>', 'a new description')
    .action(
      action(
        async (
          org: string,
          id: string,
          options: ResourceOptions & { label?: string; description?: string },
        ) => {
          const json = {
            ...(options.label !== undefined ? { label: options.label } : {}),
            ...(options.description !== undefined ? { description: options.description } : {}),
            ...(hasResourceFlags(options) ? { resources: resourcesFromFlags(org, options) } : {}),
          };
          if (Object.keys(json).length === 0)
            throw new UsageError('nothing to change: give --label, --description or resources');
          const session = HubSession.open(options);
          writeOutput(
            options.format,
            (await session.request<OrgAccessToken>('PATCH', tokenPath(org, id), { json })).body,
            oatFields,
          );
        },
      ),
    );
}

function registerOthers(token: Command): void {
  userCommand(token, 'ls <org>', "List an organization's access tokens, newest first", [
    'tokenhub org token ls acme',
  ]).action(
    action(async (org: string, options: CommonOptions) => {
      const session = HubSession.open(options);
      const tokens = await fetchAllPages(
        async (query) =>
          (
            await session.request<{ results: OrgAccessToken[]; next: string | null }>(
              'GET',
              tokensPath(org),
              { query },
            )
          ).body,
      );
      writeOutput(options.format, tokens, oatTable);
    }),
  );

  userCommand(token, 'inspect <org> <id>', 'Show one organization access token (never its secret)', [
    'tokenhub org token inspect acme 0b6b2f4e-5a57-4c2a-9d2c-6f1e8e0c1a2b',
  ]).action(
    action(async (org: string, id: string, options: CommonOptions) => {
      const session = HubSession.open(options);
      writeOutput(
        options.format,
        (await session.request<OrgAccessToken>('GET', tokenPath(org, id))).body,
        oatFields,
      );
    }),
  );

  userCommand(
    token,
    'deactivate <org> <id>',
    'Deactivate an organization access token (it can then only be deleted)',
    ['tokenhub org token deactivate acme 0b6b2f4e-5a57-4c2a-9d2c-6f1e8e0c1a2b'],
  ).action(
    action(async (org: string, id: string, options: CommonOptions) => {
      const session = HubSession.open(options);
      const { body } = await session.request<OrgAccessToken>('PATCH', tokenPath(org, id), {
        json: { is_active: false },
      });
      writeOutput(options.format, body, (t) => `${t.id} (${t.label}) is ${t.status}\n`);
    }),
  );

  userCommand(token, 'rm <org> <id...>', 'Delete organization access tokens', [
    'tokenhub org token rm acme 0b6b2f4e-5a57-4c2a-9d2c-6f1e8e0c1a2b --yes',
  ])
    .option('-y, --yes', 'do not ask for confirmation')
    .action(
      action(async (org: string, ids: string[], options: CommonOptions & { yes?: boolean }) => {
        const session = HubSession.open(options);
        const unique = [...new Set(ids)];
        await confirmDeletion(
          unique.length === 1 ? `token ${unique[0]} of ${org}` : `${unique.length} tokens of ${org}`,
          options.yes,
        );
        for (const id of unique) await session.request('DELETE', tokenPath(org, id));
        if (options.format === 'json') writeJson({ deleted: unique });
        else process.stdout.write(unique.map((id) => `deleted ${id}\n`).join(''));
      }),
    );
}

export function registerOrgUserCommands(program: Command): void {
  const org = groupCommand(program, 'org', 'Organizations: access tokens, members, groups and invites', [
    'tokenhub org token create acme --label ci --repo acme/api:push --expires 90d',
    'tokenhub org member ls acme',
    'tokenhub org invite create acme bobby',
  ]);
  const token = groupCommand(org, 'token', 'Manage organization access tokens (owners, password sign-in)', [
    'tokenhub org token create acme --label ci --repo acme/api:push --public-read',
    'tokenhub org token ls acme',
  ]);
  registerCreateAndUpdate(token);
  registerOthers(token);
  registerOrgMemberCommands(org);
  registerOrgTokenPolicyCommand(org);
  registerOrgAdminCommands(org);
  const orgOidc = groupCommand(
    org,
    'oidc',
    "Manage an organization's OIDC connections (owners, password sign-in)",
    [
      "tokenhub org oidc create acme --label github --issuer https://token.actions.githubusercontent.com --rule 'repo:acme/api:ref:refs/heads/main=api:push'",
      'tokenhub org oidc failures acme 3f2c8a9e-1b7d-4c6e-9a0f-2d5e8b7c6a41',
    ],
  );
  registerConnectionCommands(orgOidc, true);
}
