/**
 * The rest of an organization from the terminal: `org ls` and `org create`, group renames, group
 * members and repository permissions, and resending an invite. Same routes and words as the
 * console (docs/organizations.md).
 */
import type { Command } from 'commander';
import type {
  GroupMemberObject,
  GroupObject,
  MembershipObject,
  OrganizationObject,
} from '../../api/contract/orgs.contract.ts';
import { action, type CommonOptions, groupCommand, userCommand } from '../client/command-kit.ts';
import { fetchAllPages } from '../client/http-client.ts';
import { HubSession } from '../client/hub-session.ts';
import { formatTable, writeJson, writeOutput } from '../client/output.ts';
import { registerGroupPermissionCommands } from './group-permission.commands.ts';

const orgPath = (org: string, ...rest: string[]) =>
  ['/v2/orgs', org, ...rest].map((part, i) => (i === 0 ? part : encodeURIComponent(part))).join('/');

function registerOrgLifecycle(org: Command): void {
  userCommand(org, 'ls', 'List the organizations you belong to, with your role and the tier', [
    'tokenhub org ls',
  ]).action(
    action(async (options: CommonOptions) => {
      const session = HubSession.open(options);
      const { body } = await session.request<{ results: MembershipObject[] }>('GET', '/v2/users/me/orgs');
      writeOutput(options.format, body.results, (rows) =>
        rows.length === 0
          ? 'You belong to no organization yet: tokenhub org create NAME\n'
          : formatTable(
              ['NAME', 'ROLE', 'TIER'],
              rows.map((o) => [o.name, o.role, o.tier]),
            ),
      );
    }),
  );

  userCommand(org, 'create <name>', 'Create an organization (free tier); you become its owner', [
    'tokenhub org create acme',
  ]).action(
    action(async (name: string, options: CommonOptions) => {
      const session = HubSession.open(options);
      const { body } = await session.request<OrganizationObject>('POST', '/v2/orgs', { json: { name } });
      writeOutput(
        options.format,
        body,
        (o) =>
          `created ${o.name} (free tier; an administrator raises it with tokenhub admin set-tier ${o.name} team)\n`,
      );
    }),
  );
}

function registerGroupExtras(group: Command): void {
  userCommand(group, 'rename <org> <group> <new-name>', 'Rename a group', [
    'tokenhub org group rename acme devs developers',
  ]).action(
    action(async (org: string, name: string, next: string, options: CommonOptions) => {
      const session = HubSession.open(options);
      const { body } = await session.request<GroupObject>('PATCH', orgPath(org, 'groups', name), {
        json: { name: next },
      });
      writeOutput(options.format, body, (g) => `group ${name} of ${org} is now ${g.name}\n`);
    }),
  );

  const members = groupCommand(group, 'member', "A group's members", [
    'tokenhub org group member add acme devs bobby',
  ]);
  userCommand(members, 'ls <org> <group>', "List a group's members", [
    'tokenhub org group member ls acme devs',
  ]).action(
    action(async (org: string, name: string, options: CommonOptions) => {
      const session = HubSession.open(options);
      const members = await fetchAllPages(
        async (query) =>
          (
            await session.request<{ results: GroupMemberObject[]; next: string | null }>(
              'GET',
              orgPath(org, 'groups', name, 'members'),
              { query },
            )
          ).body,
      );
      writeOutput(options.format, members, (rows) =>
        formatTable(
          ['USERNAME', 'ROLE'],
          rows.map((m) => [m.username, m.role]),
        ),
      );
    }),
  );
  userCommand(members, 'add <org> <group> <user>', 'Add a member of the organization to a group', [
    'tokenhub org group member add acme devs bobby',
  ]).action(
    action(async (org: string, name: string, user: string, options: CommonOptions) => {
      const session = HubSession.open(options);
      const { body } = await session.request<GroupMemberObject>(
        'POST',
        orgPath(org, 'groups', name, 'members'),
        {
          json: { member: user },
        },
      );
      writeOutput(options.format, body, (m) => `added ${m.username} to ${org}/${name}\n`);
    }),
  );
  userCommand(
    members,
    'rm <org> <group> <user>',
    'Take a user out of a group (they stay in the organization)',
    ['tokenhub org group member rm acme devs bobby'],
  ).action(
    action(async (org: string, name: string, user: string, options: CommonOptions) => {
      const session = HubSession.open(options);
      await session.request('DELETE', orgPath(org, 'groups', name, 'members', user));
      if (options.format === 'json') writeJson({ removed: user });
      else process.stdout.write(`removed ${user} from ${org}/${name}\n`);
    }),
  );
  registerGroupPermissionCommands(group);
}

function registerInviteExtras(invite: Command): void {
  userCommand(invite, 'resend <org> <id>', 'Send a pending invite again', [
    'tokenhub org invite resend acme 3f2c8a9e-1b7d-4c6e-9a0f-2d5e8b7c6a41',
  ]).action(
    action(async (_org: string, id: string, options: CommonOptions) => {
      const session = HubSession.open(options);
      await session.request('PATCH', `/v2/invites/${encodeURIComponent(id)}/resend`);
      if (options.format === 'json') writeJson({ resent: id });
      else process.stdout.write(`resent invite ${id}\n`);
    }),
  );
}

/** Adds the commands to `org` and to its `group` and `invite` groups (registered before). */
export function registerOrgAdminCommands(org: Command): void {
  registerOrgLifecycle(org);
  const group = org.commands.find((c) => c.name() === 'group');
  const invite = org.commands.find((c) => c.name() === 'invite');
  if (group) registerGroupExtras(group);
  if (invite) registerInviteExtras(invite);
}
