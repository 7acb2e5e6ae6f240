/**
 * `tokenhub org group permission ls|set|rm`: a group's permissions on the organization's
 * repositories over `/v2/orgs/{org}/groups/{group}/repositories[/{repo}]`. Tables say them in the
 * console's words (`Read & Write`); the commands take the API's values (read, write, admin, and
 * delete for admin). `org group set-permission` is the older name of `permission set`.
 */
import type { Command } from 'commander';
import type { RepositoryPermissionObject } from '../../api/contract/orgs.contract.ts';
import { groupPermissionWord } from '../../core/permission-words.ts';
import { action, type CommonOptions, groupCommand, userCommand } from '../client/command-kit.ts';
import { fetchAllPages } from '../client/http-client.ts';
import { HubSession, UsageError } from '../client/hub-session.ts';
import { formatTable, writeJson, writeOutput } from '../client/output.ts';

const permissionOfInput: Readonly<Record<string, string>> = {
  read: 'read',
  write: 'write',
  admin: 'admin',
  delete: 'admin',
};
const setDescription =
  "Set a group's permission on a repository: read (Read-only), write (Read & Write) or admin (Read, Write, Delete)";

const repositoriesPath = (org: string, group: string, ...repo: string[]) =>
  ['/v2/orgs', org, 'groups', group, 'repositories', ...repo]
    .map((part, i) => (i === 0 ? part : encodeURIComponent(part)))
    .join('/');
/** `acme/api` or `api` → `api`: the API names a repository below its organization. */
const below = (org: string, repo: string) => (repo.startsWith(`${org}/`) ? repo.slice(org.length + 1) : repo);

async function setPermission(
  org: string,
  group: string,
  repo: string,
  input: string,
  options: CommonOptions,
): Promise<void> {
  const permission = permissionOfInput[input];
  if (!permission) throw new UsageError(`unknown permission ${input}: choose read, write or admin`);
  const session = HubSession.open(options);
  const { body } = await session.request<RepositoryPermissionObject>(
    'PUT',
    repositoriesPath(org, group, below(org, repo)),
    { json: { permission } },
  );
  writeOutput(
    options.format,
    body,
    (p) => `${org}/${group} has ${groupPermissionWord(p.permission)} on ${org}/${p.repository}\n`,
  );
}

export function registerGroupPermissionCommands(group: Command): void {
  const permission = groupCommand(group, 'permission', "A group's permissions on repositories", [
    'tokenhub org group permission ls acme devs',
    'tokenhub org group permission set acme devs api write',
  ]);
  userCommand(permission, 'ls <org> <group>', "List a group's repository permissions", [
    'tokenhub org group permission ls acme devs',
  ]).action(
    action(async (org: string, name: string, options: CommonOptions) => {
      const session = HubSession.open(options);
      const permissions = await fetchAllPages(
        async (query) =>
          (
            await session.request<{ results: RepositoryPermissionObject[]; next: string | null }>(
              'GET',
              repositoriesPath(org, name),
              { query },
            )
          ).body,
      );
      writeOutput(options.format, permissions, (rows) =>
        rows.length === 0
          ? `${org}/${name} has no repository permissions: tokenhub org group permission set ${org} ${name} REPOSITORY read\n`
          : formatTable(
              ['repository', 'permission'],
              rows.map((p) => [`${org}/${p.repository}`, groupPermissionWord(p.permission)]),
            ),
      );
    }),
  );
  userCommand(permission, 'set <org> <group> <repo> <permission>', setDescription, [
    'tokenhub org group permission set acme devs api write',
  ]).action(action(setPermission));
  userCommand(permission, 'rm <org> <group> <repo>', "Remove a group's permission on a repository", [
    'tokenhub org group permission rm acme devs api',
  ]).action(
    action(async (org: string, name: string, repo: string, options: CommonOptions) => {
      const session = HubSession.open(options);
      await session.request('DELETE', repositoriesPath(org, name, below(org, repo)));
      if (options.format === 'json') writeJson({ removed: below(org, repo) });
      else process.stdout.write(`${org}/${name} has no permission on ${org}/${below(org, repo)} any more\n`);
    }),
  );

  userCommand(
    group,
    'set-permission <org> <group> <repo> <permission>',
    `${setDescription} (= permission set)`,
    ['tokenhub org group set-permission acme devs api write'],
  ).action(action(setPermission));
}
