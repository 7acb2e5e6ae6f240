/**
 * `tokenhub company …`: companies above organizations over `/v2/companies/{name}/…` (a tokenhub
 * extension, docs/api.md): create, show, rename, delete; the company's organizations and owners;
 * the company-wide members, access tokens and activity. Changes need a password sign-in; a PAT
 * session reads.
 */
import type { Command } from 'commander';
import type { AuditLogPage } from '../../api/contract/audit-log.contract.ts';
import type {
  CompanyObject as Company,
  CompanyMemberObject as CompanyMember,
  CompanyOrgObject as CompanyOrg,
  CompanyOwnerObject as CompanyOwner,
  CompanyTokenObject as CompanyToken,
} from '../../api/contract/companies.contract.ts';
import { action, type CommonOptions, groupCommand, userCommand } from '../client/command-kit.ts';
import { HubSession } from '../client/hub-session.ts';
import { formatFields, formatTable, localTime, writeOutput } from '../client/output.ts';
import { confirmDeletion } from './token.commands.ts';

const companyPath = (name: string, ...rest: string[]) =>
  ['/v2/companies', name, ...rest].map((part, i) => (i === 0 ? part : encodeURIComponent(part))).join('/');

async function results<T>(options: CommonOptions, path: string): Promise<T[]> {
  return (await HubSession.open(options).request<{ results: T[] }>('GET', path)).body.results;
}

function orgTable(orgs: readonly CompanyOrg[]): string {
  return formatTable(
    ['organization', 'tier', 'members', 'access tokens', 'added'],
    orgs.map((o) => [
      o.name,
      o.tier,
      String(o.member_count),
      `${o.access_tokens.count}/${o.access_tokens.limit}`,
      localTime(o.added_at),
    ]),
  );
}

function ownerTable(owners: readonly CompanyOwner[]): string {
  return formatTable(
    ['username', 'email', 'since'],
    owners.map((o) => [o.username, o.email, localTime(o.created_at)]),
  );
}

function registerCompanyItself(company: Command): void {
  userCommand(company, 'create <name>', 'Create a company (you must own a Business organization)', [
    'tokenhub company create megacorp',
  ]).action(
    action(async (name: string, options: CommonOptions) => {
      const session = HubSession.open(options);
      const { body } = await session.request<Company>('POST', '/v2/companies', { json: { name } });
      writeOutput(options.format, body, (c) => `created company ${c.name}; you are its owner\n`);
    }),
  );
  userCommand(company, 'ls', 'List the companies you own', ['tokenhub company ls']).action(
    action(async (options: CommonOptions) => {
      const companies = await results<Company>(options, '/v2/users/me/companies');
      writeOutput(options.format, companies, (list) =>
        formatTable(
          ['company', 'created'],
          list.map((c) => [c.name, localTime(c.created_at)]),
        ),
      );
    }),
  );
  userCommand(company, 'show <name>', 'Show a company, its owners and its organizations', [
    'tokenhub company show megacorp',
  ]).action(
    action(async (name: string, options: CommonOptions) => {
      const session = HubSession.open(options);
      const { body } = await session.request<Company>('GET', companyPath(name));
      const owners = await results<CompanyOwner>(options, companyPath(name, 'owners'));
      const orgs = await results<CompanyOrg>(options, companyPath(name, 'orgs'));
      writeOutput(
        options.format,
        { ...body, owners, organizations: orgs },
        (c) =>
          `${formatFields([
            ['Company', c.name],
            ['Created', localTime(c.created_at)],
            ['Owners', owners.map((o) => o.username).join(', ')],
          ])}\n${orgs.length > 0 ? orgTable(orgs) : 'no organizations yet\n'}`,
      );
    }),
  );
  userCommand(company, 'rename <name> <new-name>', 'Rename a company', [
    'tokenhub company rename megacorp gigacorp',
  ]).action(
    action(async (name: string, newName: string, options: CommonOptions) => {
      const session = HubSession.open(options);
      const { body } = await session.request<Company>('PATCH', companyPath(name), {
        json: { name: newName },
      });
      writeOutput(options.format, body, (c) => `renamed ${name} to ${c.name}\n`);
    }),
  );
  userCommand(company, 'rm <name>', 'Delete a company that holds no organization', [
    'tokenhub company rm megacorp --yes',
  ])
    .option('-y, --yes', 'do not ask for confirmation')
    .action(
      action(async (name: string, options: CommonOptions & { yes?: boolean }) => {
        const session = HubSession.open(options);
        await confirmDeletion(`company ${name}`, options.yes);
        await session.request('DELETE', companyPath(name));
        process.stdout.write(`deleted company ${name}\n`);
      }),
    );
}

function registerOrgsAndOwners(company: Command): void {
  const org = groupCommand(company, 'org', "A company's organizations (an owner of both adds or removes)", [
    'tokenhub company org add megacorp acme',
  ]);
  userCommand(org, 'ls <company>', 'List the organizations, with tiers and counts', [
    'tokenhub company org ls megacorp',
  ]).action(
    action(async (name: string, options: CommonOptions) => {
      writeOutput(options.format, await results<CompanyOrg>(options, companyPath(name, 'orgs')), orgTable);
    }),
  );
  for (const [verb, method, done] of [
    ['add', 'PUT', 'added'],
    ['rm', 'DELETE', 'removed'],
  ] as const) {
    userCommand(org, `${verb} <company> <org>`, `${verb === 'add' ? 'Add' : 'Remove'} an organization`, [
      `tokenhub company org ${verb} megacorp acme`,
    ]).action(
      action(async (name: string, orgName: string, options: CommonOptions) => {
        await HubSession.open(options).request(method, companyPath(name, 'orgs', orgName));
        process.stdout.write(`${done} ${orgName} ${verb === 'add' ? 'to' : 'from'} ${name}\n`);
      }),
    );
  }

  const owner = groupCommand(company, 'owner', "A company's owners (never fewer than one)", [
    'tokenhub company owner add megacorp carol@example.com',
  ]);
  userCommand(owner, 'ls <company>', 'List the owners', ['tokenhub company owner ls megacorp']).action(
    action(async (name: string, options: CommonOptions) => {
      writeOutput(
        options.format,
        await results<CompanyOwner>(options, companyPath(name, 'owners')),
        ownerTable,
      );
    }),
  );
  userCommand(owner, 'add <company> <user>', 'Add an owner by username or email address', [
    'tokenhub company owner add megacorp carol',
  ]).action(
    action(async (name: string, user: string, options: CommonOptions) => {
      const session = HubSession.open(options);
      const { body } = await session.request<CompanyOwner>('POST', companyPath(name, 'owners'), {
        json: { owner: user },
      });
      writeOutput(options.format, body, (o) => `${o.username} is now an owner of ${name}\n`);
    }),
  );
  userCommand(owner, 'rm <company> <username>', 'Remove an owner (or leave); the last one cannot', [
    'tokenhub company owner rm megacorp carol',
  ]).action(
    action(async (name: string, username: string, options: CommonOptions) => {
      await HubSession.open(options).request('DELETE', companyPath(name, 'owners', username));
      process.stdout.write(`${username} is no longer an owner of ${name}\n`);
    }),
  );
}

function registerViews(company: Command): void {
  userCommand(company, 'members <company>', "Everyone in the company's organizations", [
    'tokenhub company members megacorp',
  ]).action(
    action(async (name: string, options: CommonOptions) => {
      const members = await results<CompanyMember>(options, companyPath(name, 'members'));
      writeOutput(options.format, members, (list) =>
        formatTable(
          ['username', 'email', 'organizations'],
          list.map((m) => [
            m.username,
            m.email,
            m.organizations.map((o) => `${o.name} (${o.role})`).join(', '),
          ]),
        ),
      );
    }),
  );
  userCommand(company, 'tokens <company>', "Every organization access token of the company's organizations", [
    'tokenhub company tokens megacorp',
  ]).action(
    action(async (name: string, options: CommonOptions) => {
      const tokens = await results<CompanyToken>(options, companyPath(name, 'access-tokens'));
      writeOutput(options.format, tokens, (list) =>
        formatTable(
          ['organization', 'id', 'label', 'status', 'created by', 'last used', 'expires'],
          list.map((t) => [
            t.org,
            t.id,
            t.label,
            t.status,
            t.created_by,
            localTime(t.last_used_at),
            localTime(t.expires_at),
          ]),
        ),
      );
    }),
  );
  userCommand(company, 'activity <company>', 'Recent events of the company and its organizations', [
    'tokenhub company activity megacorp',
  ]).action(
    action(async (name: string, options: CommonOptions) => {
      const session = HubSession.open(options);
      const { body } = await session.request<AuditLogPage>(
        'GET',
        `/v2/auditlogs/${encodeURIComponent(name)}`,
        { query: { page_size: '100' } },
      );
      writeOutput(options.format, body.logs, (logs) =>
        formatTable(
          ['when', 'account', 'action', 'name', 'actor'],
          logs.map((l) => [localTime(l.timestamp), l.account, l.action, l.name, l.actor]),
        ),
      );
    }),
  );
}

export function registerCompanyCommands(program: Command): void {
  const company = groupCommand(program, 'company', 'Companies: organizations grouped under shared owners', [
    'tokenhub company create megacorp',
    'tokenhub company org add megacorp acme',
    'tokenhub company owner add megacorp carol@example.com',
    'tokenhub company members megacorp',
  ]);
  registerCompanyItself(company);
  registerOrgsAndOwners(company);
  registerViews(company);
}
