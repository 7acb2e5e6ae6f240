/**
 * OIDC connections from the command line (docs/oidc.md): `tokenhub org oidc …  <org>` for an
 * organization's (`/v2/orgs/{org}/oidc-connections`) and `tokenhub oidc …` for your own
 * (`/v2/users/me/oidc-connections`): create, ls, inspect, update, activate, deactivate, rm,
 * failures. Like token management they need a password session (client/hub-session.ts asks for
 * the password on a terminal). `tokenhub oidc login`, for CI jobs, is in oidc-login.command.ts.
 */
import type { Command } from 'commander';
import type { OidcConnectionObject, OidcFailureObject } from '../../api/contract/oidc.contract.ts';
import { action, type CommonOptions, groupCommand, userCommand } from '../client/command-kit.ts';
import { fetchAllPages } from '../client/http-client.ts';
import { HubSession, UsageError } from '../client/hub-session.ts';
import {
  describeRuleset,
  parseRuleFlag,
  rulesetsFromFile,
  rulesetsFromRules,
} from '../client/oidc-rulesets.ts';
import { formatFields, formatTable, localTime, writeJson, writeOutput } from '../client/output.ts';
import { registerOidcLoginCommand } from './oidc-login.command.ts';
import { confirmDeletion } from './token.commands.ts';

interface ConnectionOptions extends CommonOptions {
  label?: string;
  issuer?: string;
  audience?: string;
  ttl?: number;
  singleUse?: boolean;
  rule?: string[];
  rulesFile?: string;
}

function connectionTable(connections: readonly OidcConnectionObject[]): string {
  return formatTable(
    ['id', 'label', 'issuer', 'rulesets', 'status', 'last used'],
    connections.map((c) => [
      c.id,
      c.label,
      c.issuer,
      String(c.rulesets.length),
      c.is_active ? 'active' : 'inactive',
      localTime(c.last_used_at),
    ]),
  );
}

function connectionFields(c: OidcConnectionObject): string {
  return formatFields([
    ['ID', c.id],
    ['Label', c.label],
    ['Owner', c.owner],
    ['Issuer', c.issuer],
    ['Audience', c.audience],
    ['Token lifetime', `${c.token_ttl_seconds} s`],
    ['Single use', c.single_use ? 'yes (each identity token once)' : 'no'],
    ['Status', c.is_active ? 'active' : 'inactive'],
    ...c.rulesets.map((r, i): [string, string] => [
      `Ruleset ${i + 1}`,
      `${r.label ?? ''}: ${describeRuleset(r)}`,
    ]),
    ['Created', `${localTime(c.created_at)} by ${c.created_by ?? 'unknown'}`],
    ['Last used', localTime(c.last_used_at)],
  ]);
}

function failureTable(failures: readonly OidcFailureObject[]): string {
  return formatTable(
    ['time', 'reason', 'subject', 'address'],
    failures.map((f) => [localTime(f.created_at), f.reason, f.subject ?? '', f.ip]),
  );
}

/** `--ttl 900`, `--ttl 15m`, `--ttl 1h` → seconds. */
function parseTtl(value: string): number {
  const match = /^(\d+)([smh]?)$/.exec(value);
  if (!match) throw new UsageError('--ttl takes seconds or a number with s, m or h (15m)');
  return Number(match[1]) * ({ '': 1, s: 1, m: 60, h: 3600 }[match[2] ?? ''] ?? 1);
}

function withConnectionOptions(command: Command): Command {
  return command
    .option('--label <label>', 'its name (1-100 characters)')
    .option('--issuer <url>', 'the CI issuer, e.g. https://token.actions.githubusercontent.com')
    .option('--audience <aud>', "the aud tokens must carry (default: the server's public URL)")
    .option('--ttl <duration>', 'lifetime of exchanged tokens: seconds, or 15m, 1h (60 s to 1 h)', parseTtl)
    .option('--single-use', 'accept each identity token (jti) once')
    .option(
      '--rule <sub=repo:action,…>',
      'a ruleset: sub pattern, then repositories with pull, push or delete (repeatable, at most 5)',
      (value: string, previous: string[] = []) => [...previous, parseRuleFlag(value)],
    )
    .option('--rules-file <path>', 'rulesets as JSON (labels, claim conditions): see docs/oidc.md');
}

function bodyOf(owner: string, options: ConnectionOptions): Record<string, unknown> {
  if (options.rule?.length && options.rulesFile)
    throw new UsageError('give --rule or --rules-file, not both');
  const rulesets = options.rulesFile
    ? rulesetsFromFile(options.rulesFile)
    : options.rule?.length
      ? rulesetsFromRules(owner, options.rule)
      : undefined;
  return {
    ...(options.label !== undefined ? { label: options.label } : {}),
    ...(options.issuer !== undefined ? { issuer: options.issuer } : {}),
    ...(options.audience !== undefined ? { audience: options.audience } : {}),
    ...(options.ttl !== undefined ? { token_ttl_seconds: options.ttl } : {}),
    ...(options.singleUse ? { single_use: true } : {}),
    ...(rulesets ? { rulesets } : {}),
  };
}

/**
 * The commands of one kind of owner. With `org`, each takes the organization as its first
 * argument; without, they act on the signed-in account's own connections.
 */
export function registerConnectionCommands(group: Command, org: boolean): void {
  const ownerArg = org ? '<org> ' : '';
  const prefix = org ? 'tokenhub org oidc' : 'tokenhub oidc';
  const exampleOwner = org ? 'acme ' : '';
  const id = '3f2c8a9e-1b7d-4c6e-9a0f-2d5e8b7c6a41';
  /** Splits commander's arguments into the owner's path, the positional values and the options. */
  const parts = <T>(args: unknown[]) => {
    const values = args.slice(0, -2) as string[];
    const options = args[args.length - 2] as T & CommonOptions;
    const [name, ...rest] = org ? values : ['', ...values];
    const path = org
      ? `/v2/orgs/${encodeURIComponent(name ?? '')}/oidc-connections`
      : '/v2/users/me/oidc-connections';
    return { name: name ?? '', path, rest, options, session: HubSession.open(options) };
  };
  const owner = (name: string, session: HubSession) => name || session.requireCredential().username;

  withConnectionOptions(
    userCommand(group, `create ${ownerArg}`.trim(), 'Create an OIDC connection', [
      `${prefix} create ${exampleOwner}--label github --issuer https://token.actions.githubusercontent.com --rule 'repo:acme/api:ref:refs/heads/main=api:push'`,
    ]),
  ).action(
    action(async (...args: unknown[]) => {
      const { name, path, options, session } = parts<ConnectionOptions>(args);
      const json = bodyOf(owner(name, session), options);
      if (!json.label || !json.issuer || !json.rulesets) {
        throw new UsageError('give --label, --issuer and at least one --rule (or --rules-file)');
      }
      writeOutput(
        options.format,
        (await session.request<OidcConnectionObject>('POST', path, { json })).body,
        (c) =>
          `${connectionFields(c)}\nA CI job exchanges its identity token with: tokenhub oidc login --connection ${c.id}\n`,
      );
    }),
  );

  withConnectionOptions(
    userCommand(group, `update ${ownerArg}<id>`, 'Change a connection (rule flags replace every ruleset)', [
      `${prefix} update ${exampleOwner}${id} --rule 'repo:acme/*=web:pull'`,
    ]),
  ).action(
    action(async (...args: unknown[]) => {
      const { name, path, rest, options, session } = parts<ConnectionOptions>(args);
      const json = bodyOf(owner(name, session), options);
      if (Object.keys(json).length === 0) throw new UsageError('nothing to change');
      const { body } = await session.request<OidcConnectionObject>('PATCH', `${path}/${rest[0]}`, { json });
      writeOutput(options.format, body, connectionFields);
    }),
  );

  userCommand(group, `ls ${ownerArg}`.trim(), 'List OIDC connections', [
    `${prefix} ls ${exampleOwner}`.trim(),
  ]).action(
    action(async (...args: unknown[]) => {
      const { path, options, session } = parts<CommonOptions>(args);
      const all = await fetchAllPages(
        async (query) =>
          (
            await session.request<{ results: OidcConnectionObject[]; next: string | null }>('GET', path, {
              query,
            })
          ).body,
      );
      writeOutput(options.format, all, connectionTable);
    }),
  );

  userCommand(group, `inspect ${ownerArg}<id>`, 'Show a connection with its rulesets', [
    `${prefix} inspect ${exampleOwner}${id}`,
  ]).action(
    action(async (...args: unknown[]) => {
      const { path, rest, options, session } = parts<CommonOptions>(args);
      writeOutput(
        options.format,
        (await session.request<OidcConnectionObject>('GET', `${path}/${rest[0]}`)).body,
        connectionFields,
      );
    }),
  );

  for (const [verb, active] of [
    ['activate', true],
    ['deactivate', false],
  ] as const) {
    const what = active
      ? 'Activate a connection'
      : 'Deactivate a connection: its exchanges and tokens are refused at once';
    userCommand(group, `${verb} ${ownerArg}<id>`, what, [`${prefix} ${verb} ${exampleOwner}${id}`]).action(
      action(async (...args: unknown[]) => {
        const { path, rest, options, session } = parts<CommonOptions>(args);
        const { body } = await session.request<OidcConnectionObject>('PATCH', `${path}/${rest[0]}`, {
          json: { is_active: active },
        });
        writeOutput(
          options.format,
          body,
          (c) => `${c.id} (${c.label}) is ${c.is_active ? 'active' : 'inactive'}\n`,
        );
      }),
    );
  }

  userCommand(group, `failures ${ownerArg}<id>`, 'Show why identity tokens were refused, newest first', [
    `${prefix} failures ${exampleOwner}${id}`,
  ]).action(
    action(async (...args: unknown[]) => {
      const { path, rest, options, session } = parts<CommonOptions>(args);
      const { body } = await session.request<{ results: OidcFailureObject[] }>(
        'GET',
        `${path}/${rest[0]}/failures`,
        {
          query: { page_size: 100 },
        },
      );
      writeOutput(options.format, body.results, failureTable);
    }),
  );

  userCommand(group, `rm ${ownerArg}<id...>`, 'Delete connections (their exchanged tokens stop working)', [
    `${prefix} rm ${exampleOwner}${id} --yes`,
  ])
    .option('-y, --yes', 'do not ask for confirmation')
    .action(
      action(async (...args: unknown[]) => {
        const { path, rest, options, session } = parts<CommonOptions & { yes?: boolean }>(args);
        const ids = [...new Set(rest[0] as unknown as string[])];
        await confirmDeletion(
          ids.length === 1 ? `OIDC connection ${ids[0]}` : `${ids.length} OIDC connections`,
          options.yes,
        );
        for (const one of ids) await session.request('DELETE', `${path}/${one}`);
        if (options.format === 'json') writeJson({ deleted: ids });
        else process.stdout.write(ids.map((one) => `deleted ${one}\n`).join(''));
      }),
    );
}

/** `tokenhub oidc`: `login` for CI jobs, and the signed-in account's own connections. */
export function registerOidcCommands(program: Command): void {
  const oidc = groupCommand(
    program,
    'oidc',
    'Keyless CI: sign a job in with its identity token; your own OIDC connections',
    [
      'tokenhub oidc login --connection $CONNECTION_ID --registry registry.example.com',
      "tokenhub oidc create --label github --issuer https://token.actions.githubusercontent.com --rule 'repo:alice/*=app:push'",
    ],
  );
  registerOidcLoginCommand(oidc);
  registerConnectionCommands(oidc, false);
}
