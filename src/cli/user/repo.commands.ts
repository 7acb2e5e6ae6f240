/**
 * `tokenhub repo ls|inspect|set-visibility`: repositories over `/v2/namespaces/{ns}/repositories`
 * (docs/repositories.md). Reads work signed out too (public repositories only); changing the
 * visibility needs delete rights (a password session, or a repo:admin token).
 */

import { Argument, type Command } from 'commander';
import type {
  RepositoryObject as Repository,
  RepositoryListEntry,
} from '../../api/contract/repositories.contract.ts';
import { action, type CommonOptions, groupCommand, userCommand } from '../client/command-kit.ts';
import { fetchAllPages } from '../client/http-client.ts';
import { HubSession, UsageError } from '../client/hub-session.ts';
import { formatFields, formatTable, localTime, writeOutput } from '../client/output.ts';

const namespacePath = (ns: string) => `/v2/namespaces/${encodeURIComponent(ns)}/repositories`;

/** `NS/NAME` → the API path of that repository. @throws UsageError for anything else. */
function repositoryPath(ref: string): string {
  const match = /^([^/\s]+)\/([^/\s]+)$/.exec(ref);
  if (!match?.[1] || !match[2]) throw new UsageError(`expected NAMESPACE/NAME, got "${ref}"`);
  return `${namespacePath(match[1])}/${encodeURIComponent(match[2])}`;
}

const visibility = (repo: RepositoryListEntry) => (repo.is_private ? 'private' : 'public');

function repositoryFields(repo: Repository): string {
  return formatFields([
    ['Name', `${repo.namespace}/${repo.name}`],
    ['Visibility', visibility(repo)],
    ['Description', repo.description],
    ['Created', localTime(repo.date_registered)],
    ['Updated', localTime(repo.last_updated)],
  ]);
}

export function registerRepoCommands(program: Command): void {
  const repo = groupCommand(program, 'repo', 'Repositories of a namespace (a user or an organization)', [
    'tokenhub repo ls alice',
    'tokenhub repo set-visibility alice/app public',
  ]);

  userCommand(repo, 'ls <namespace>', 'List the repositories of a namespace that you may pull', [
    'tokenhub repo ls acme --format json',
  ]).action(
    action(async (ns: string, options: CommonOptions) => {
      const session = HubSession.open(options);
      const repos = await fetchAllPages(
        async (query) =>
          (
            await session.request<{ results: RepositoryListEntry[]; next: string | null }>(
              'GET',
              namespacePath(ns),
              {
                query,
                auth: 'optional',
              },
            )
          ).body,
      );
      writeOutput(options.format, repos, (list) =>
        formatTable(
          ['name', 'visibility', 'description', 'updated'],
          list.map((r) => [
            `${r.namespace}/${r.name}`,
            visibility(r),
            r.description,
            localTime(r.last_updated),
          ]),
        ),
      );
    }),
  );

  userCommand(repo, 'inspect <namespace/name>', 'Show one repository', [
    'tokenhub repo inspect alice/app',
  ]).action(
    action(async (ref: string, options: CommonOptions) => {
      const session = HubSession.open(options);
      const { body } = await session.request<Repository>('GET', repositoryPath(ref), { auth: 'optional' });
      writeOutput(options.format, body, repositoryFields);
    }),
  );

  userCommand(repo, 'set-visibility', 'Make a repository public or private', [
    'tokenhub repo set-visibility alice/app private',
  ])
    .addArgument(new Argument('<namespace/name>', 'the repository'))
    .addArgument(new Argument('<visibility>', 'the new visibility').choices(['public', 'private']))
    .action(
      action(async (ref: string, value: 'public' | 'private', options: CommonOptions) => {
        const session = HubSession.open(options);
        const { body } = await session.request<Repository>('PATCH', repositoryPath(ref), {
          json: { is_private: value === 'private' },
        });
        writeOutput(options.format, body, (r) => `${r.namespace}/${r.name} is now ${visibility(r)}\n`);
      }),
    );
}
