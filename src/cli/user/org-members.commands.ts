/**
 * `tokenhub org member|group|invite …`: the basics of an organization's people over
 * `/v2/orgs/{org}/members|groups|invites` (docs/organizations.md). People join through invites, so
 * `member add` sends one. Works with a password or PAT session, or an organization access token
 * holding the matching `scope-*` (TOKENHUB_TOKEN + TOKENHUB_USERNAME=<org>).
 */

import { type Command, Option } from 'commander';
import type {
  GroupObject as Group,
  InviteObject as Invite,
  MemberObject as Member,
} from '../../api/contract/orgs.contract.ts';
import { action, type CommonOptions, groupCommand, userCommand } from '../client/command-kit.ts';
import { fetchAllPages } from '../client/http-client.ts';
import { HubSession } from '../client/hub-session.ts';
import { formatTable, localTime, writeJson, writeOutput } from '../client/output.ts';
import { confirmDeletion } from './token.commands.ts';

const orgPath = (org: string, ...rest: string[]) =>
  ['/v2/orgs', org, ...rest].map((part, i) => (i === 0 ? part : encodeURIComponent(part))).join('/');
const roleOption = () =>
  new Option('--role <role>', 'owner, editor or member')
    .choices(['owner', 'editor', 'member'])
    .default('member');

async function listAll<T>(session: HubSession, path: string): Promise<T[]> {
  return fetchAllPages(
    async (query) =>
      (await session.request<{ results: T[]; next: string | null }>('GET', path, { query })).body,
  );
}

async function sendInvite(
  org: string,
  invitee: string,
  options: CommonOptions & { role: string },
): Promise<void> {
  const session = HubSession.open(options);
  const { body } = await session.request<Invite>('POST', orgPath(org, 'invites'), {
    json: { invitee, role: options.role },
  });
  writeOutput(
    options.format,
    body,
    (i) => `invited ${i.invitee} to ${i.org} as ${i.role} (invite ${i.id}); they join when they accept\n`,
  );
}

function registerMembers(org: Command): void {
  const member = groupCommand(org, 'member', 'Members of an organization', ['tokenhub org member ls acme']);
  userCommand(member, 'ls <org>', 'List the members', ['tokenhub org member ls acme']).action(
    action(async (name: string, options: CommonOptions) => {
      const members = await listAll<Member>(HubSession.open(options), orgPath(name, 'members'));
      writeOutput(options.format, members, (list) =>
        formatTable(
          ['username', 'role', 'email', 'groups', 'joined'],
          list.map((m) => [
            m.username,
            m.role.toLowerCase(),
            m.email ?? '',
            m.groups.join(','),
            localTime(m.joined_at),
          ]),
        ),
      );
    }),
  );
  userCommand(
    member,
    'add <org> <user>',
    'Invite a user (username or email) to join; same as invite create',
    ['tokenhub org member add acme bobby --role member'],
  )
    .addOption(roleOption())
    .action(action(sendInvite));
  userCommand(member, 'set-role <org> <user> <role>', "Change a member's role (owner, editor or member)", [
    'tokenhub org member set-role acme bobby owner',
  ]).action(
    action(async (name: string, user: string, role: string, options: CommonOptions) => {
      const session = HubSession.open(options);
      const { body } = await session.request<Member>('PUT', orgPath(name, 'members', user), {
        json: { role },
      });
      writeOutput(options.format, body, (m) => `${m.username} is now ${m.role.toLowerCase()} of ${name}\n`);
    }),
  );
  userCommand(member, 'rm <org> <user>', 'Remove a member (or leave, with your own name)', [
    'tokenhub org member rm acme bobby --yes',
  ])
    .option('-y, --yes', 'do not ask for confirmation')
    .action(
      action(async (name: string, user: string, options: CommonOptions & { yes?: boolean }) => {
        const session = HubSession.open(options);
        await confirmDeletion(`${user} from ${name}`, options.yes);
        await session.request('DELETE', orgPath(name, 'members', user));
        if (options.format === 'json') writeJson({ removed: user });
        else process.stdout.write(`removed ${user} from ${name}\n`);
      }),
    );
}

function registerGroups(org: Command): void {
  const group = groupCommand(org, 'group', 'Groups of an organization', [
    'tokenhub org group create acme developers',
  ]);
  userCommand(group, 'ls <org>', 'List the groups', ['tokenhub org group ls acme']).action(
    action(async (name: string, options: CommonOptions) => {
      const groups = await listAll<Group>(HubSession.open(options), orgPath(name, 'groups'));
      writeOutput(options.format, groups, (list) =>
        formatTable(
          ['name', 'members', 'created'],
          list.map((g) => [g.name, String(g.member_count), localTime(g.created_at)]),
        ),
      );
    }),
  );
  userCommand(group, 'create <org> <group>', 'Create a group', [
    'tokenhub org group create acme developers',
  ]).action(
    action(async (name: string, groupName: string, options: CommonOptions) => {
      const session = HubSession.open(options);
      const { body } = await session.request<Group>('POST', orgPath(name, 'groups'), {
        json: { name: groupName },
      });
      writeOutput(options.format, body, (g) => `created group ${g.name} in ${name}\n`);
    }),
  );
  userCommand(group, 'rm <org> <group>', 'Delete a group with its member list and permissions', [
    'tokenhub org group rm acme developers --yes',
  ])
    .option('-y, --yes', 'do not ask for confirmation')
    .action(
      action(async (name: string, groupName: string, options: CommonOptions & { yes?: boolean }) => {
        const session = HubSession.open(options);
        await confirmDeletion(`group ${groupName} of ${name}`, options.yes);
        await session.request('DELETE', orgPath(name, 'groups', groupName));
        if (options.format === 'json') writeJson({ deleted: groupName });
        else process.stdout.write(`deleted group ${groupName}\n`);
      }),
    );
}

function registerInvites(org: Command): void {
  const invite = groupCommand(org, 'invite', 'Pending invites of an organization', [
    'tokenhub org invite ls acme',
  ]);
  userCommand(invite, 'ls <org>', 'List pending invites', ['tokenhub org invite ls acme']).action(
    action(async (name: string, options: CommonOptions) => {
      const session = HubSession.open(options);
      const invites = (await session.request<{ data: Invite[] }>('GET', orgPath(name, 'invites'))).body.data;
      writeOutput(options.format, invites, (list) =>
        formatTable(
          ['id', 'invitee', 'role', 'invited by', 'created'],
          list.map((i) => [
            i.id,
            i.invitee,
            i.role,
            i.invited_by ?? '(access token)',
            localTime(i.created_at),
          ]),
        ),
      );
    }),
  );
  userCommand(invite, 'create <org> <invitee>', 'Invite a user (username) or a person (email address)', [
    'tokenhub org invite create acme bobby --role owner',
  ])
    .addOption(roleOption())
    .action(action(sendInvite));
  userCommand(invite, 'rm <org> <id>', 'Cancel a pending invite', [
    'tokenhub org invite rm acme <invite-id>',
  ]).action(
    action(async (name: string, id: string, options: CommonOptions) => {
      await HubSession.open(options).request('DELETE', orgPath(name, 'invites', id));
      if (options.format === 'json') writeJson({ deleted: id });
      else process.stdout.write(`cancelled invite ${id}\n`);
    }),
  );
}

export function registerOrgMemberCommands(org: Command): void {
  registerMembers(org);
  registerGroups(org);
  registerInvites(org);
}
