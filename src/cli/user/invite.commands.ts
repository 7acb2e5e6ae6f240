/**
 * `tokenhub invite ls|accept|decline`: the invites addressed to you (`GET /v2/users/me/invites`,
 * `POST /v2/invites/{id}/accept|decline`). Accepting joins the organization with the invite's role
 * (and group); owners manage the invites they send with `tokenhub org invite`. Accepting and
 * declining need a password sign-in, as token management does.
 */
import type { Command } from 'commander';
import type { InviteObject as Invite, MemberObject as Member } from '../../api/contract/orgs.contract.ts';
import { action, type CommonOptions, groupCommand, userCommand } from '../client/command-kit.ts';
import { HubSession } from '../client/hub-session.ts';
import { formatTable, localTime, writeJson, writeOutput } from '../client/output.ts';

const exampleId = '3f2c8a9e-1b7d-4c6e-9a0f-2d5e8b7c6a41';

async function myInvites(session: HubSession): Promise<Invite[]> {
  return (await session.request<{ results: Invite[] }>('GET', '/v2/users/me/invites')).body.results;
}

function invitesTable(invites: readonly Invite[]): string {
  if (invites.length === 0) return 'No invites are waiting for you.\n';
  return formatTable(
    ['id', 'organization', 'role', 'group', 'invited by', 'sent'],
    invites.map((i) => [
      i.id,
      i.org,
      i.role,
      i.team,
      i.invited_by ?? '(access token)',
      localTime(i.created_at),
    ]),
  );
}

export function registerInviteCommands(program: Command): void {
  const invite = groupCommand(program, 'invite', 'Invites to organizations addressed to you', [
    'tokenhub invite ls',
    `tokenhub invite accept ${exampleId}`,
  ]);
  userCommand(invite, 'ls', 'List the invites waiting for you, newest first', ['tokenhub invite ls']).action(
    action(async (options: CommonOptions) => {
      writeOutput(options.format, await myInvites(HubSession.open(options)), invitesTable);
    }),
  );
  userCommand(invite, 'accept <id>', "Join the organization with the invite's role", [
    `tokenhub invite accept ${exampleId}`,
  ]).action(
    action(async (id: string, options: CommonOptions) => {
      const session = HubSession.open(options);
      const org = (await myInvites(session)).find((i) => i.id === id)?.org;
      const { body } = await session.request<Member>('POST', `/v2/invites/${encodeURIComponent(id)}/accept`);
      writeOutput(
        options.format,
        body,
        (m) => `you joined ${org ?? 'the organization'} as ${m.role.toLowerCase()}\n`,
      );
    }),
  );
  userCommand(invite, 'decline <id>', 'Decline an invite; whoever sent it can invite you again', [
    `tokenhub invite decline ${exampleId}`,
  ]).action(
    action(async (id: string, options: CommonOptions) => {
      const session = HubSession.open(options);
      const org = (await myInvites(session)).find((i) => i.id === id)?.org;
      await session.request('POST', `/v2/invites/${encodeURIComponent(id)}/decline`);
      if (options.format === 'json') writeJson({ declined: id });
      else process.stdout.write(`declined the invite${org ? ` to ${org}` : ''}\n`);
    }),
  );
}
