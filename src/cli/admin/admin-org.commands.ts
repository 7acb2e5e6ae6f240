/**
 * Organization operator commands: `admin create-org`, `admin set-tier` (tiers are the operator's
 * decision, there is no API for them) and `admin add-member`. Each prints one line; errors print
 * `tokenhub: <message>` and exit 1, usage errors (a bad tier or role) exit 2 (see main.ts).
 */
import { Argument, type Command, Option } from 'commander';
import { type OrgRole, type OrgTier, orgRoles, orgTiers } from '../../core/organization-rules.ts';
import { addMember, requireUser } from '../../services/orgs/org-member.service.ts';
import {
  changeOrganizationTier,
  createOrganization,
  requireOrganization,
} from '../../services/orgs/organization.service.ts';
import type { ServiceContext } from '../../services/shared/context.ts';

type WithServices = <T>(work: (ctx: ServiceContext) => Promise<T>) => Promise<T>;

const operatorMeta = { ip: 'local', userAgent: 'tokenhub-cli' };
/** Audit actor of operator commands that act as nobody in particular. */
const operator = { id: null, name: 'operator' };

export function registerOrgCommands(admin: Command, withServices: WithServices): void {
  admin
    .command('create-org <name>')
    .description('Create an organization (free tier) with an existing user as its owner')
    .requiredOption('--owner <username>', 'the user who becomes its first owner')
    .addHelpText('after', '\nExample:\n  tokenhub admin create-org acme --owner alice')
    .action(async (name: string, options: { owner: string }) => {
      const { org, owner } = await withServices(async (ctx) => {
        const user = await requireUser(ctx, options.owner);
        return {
          org: await createOrganization(ctx, user, name, operatorMeta, { operator: true }),
          owner: user,
        };
      });
      process.stdout.write(`created organization ${org.name} (owner ${owner.username})\n`);
    });

  admin
    .command('set-tier')
    .description('Set the tier of an organization (free: no access tokens, team: 10, business: 100)')
    .addArgument(new Argument('<org>', 'organization name'))
    .addArgument(new Argument('<tier>', 'the new tier').choices(orgTiers))
    .addHelpText('after', '\nExample:\n  tokenhub admin set-tier acme team')
    .action(async (orgName: string, tier: OrgTier) => {
      const org = await withServices((ctx) =>
        changeOrganizationTier(ctx, orgName, tier, operator, operatorMeta),
      );
      process.stdout.write(`${org.name} is now on the ${org.tier} tier\n`);
    });

  admin
    .command('add-member <org> <username>')
    .description('Add an existing user to an organization directly (no invite)')
    .addOption(new Option('--role <role>', 'their role').choices(orgRoles).default('member'))
    .addHelpText('after', '\nExample:\n  tokenhub admin add-member acme bobby --role owner')
    .action(async (orgName: string, username: string, options: { role: OrgRole }) => {
      const { org, member } = await withServices(async (ctx) => {
        const found = await requireOrganization(ctx, orgName);
        return {
          org: found,
          member: await addMember(ctx, found, username, options.role, operator, operatorMeta),
        };
      });
      process.stdout.write(`added ${member.username} to ${org.name} as ${member.role}\n`);
    });
}
