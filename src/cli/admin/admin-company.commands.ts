/**
 * `tokenhub admin create-company <name> --owner <username> [--org <org>…]`: the operator creates a
 * company (no tier needed for the company itself) with an existing user as its first owner, and
 * may put organizations in it at once (each on the Business tier, in no other company, all checked
 * before the company is created). Prints one line; errors print `tokenhub: <message>` and exit 1 (see main.ts).
 */
import type { Command } from 'commander';
import { createCompany } from '../../services/companies/company.service.ts';
import {
  addCompanyOrganization,
  assertMayJoinCompany,
} from '../../services/companies/company-membership.service.ts';
import { requireUser } from '../../services/orgs/org-member.service.ts';
import { requireOrganization } from '../../services/orgs/organization.service.ts';
import type { ServiceContext } from '../../services/shared/context.ts';

type WithServices = <T>(work: (ctx: ServiceContext) => Promise<T>) => Promise<T>;

const operatorMeta = { ip: 'local', userAgent: 'tokenhub-cli' };
const operator = { id: null, name: 'operator' };

export function registerCompanyCommands(admin: Command, withServices: WithServices): void {
  admin
    .command('create-company <name>')
    .description(
      'Create a company with an existing user as its first owner, and optionally its organizations',
    )
    .requiredOption('--owner <username>', 'the user who becomes its first owner')
    .option(
      '--org <org>',
      'a Business organization to put in it (repeatable)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .addHelpText('after', '\nExample:\n  tokenhub admin create-company megacorp --owner alice --org acme')
    .action(async (name: string, options: { owner: string; org?: string[] }) => {
      const company = await withServices(async (ctx) => {
        const owner = await requireUser(ctx, options.owner);
        // Every organization is checked before anything is created: a refused one leaves no company.
        const orgs = [];
        for (const orgName of options.org ?? []) {
          const org = await requireOrganization(ctx, orgName);
          await assertMayJoinCompany(ctx, org);
          orgs.push(org);
        }
        const created = await createCompany(
          ctx,
          { name, owner, requireBusinessOwner: false },
          operator,
          operatorMeta,
        );
        // The operator acts as an instance administrator: no organization ownership is asked.
        const principal = { kind: 'password' as const, user: { ...owner, isAdmin: true } };
        for (const org of orgs) {
          await addCompanyOrganization(ctx, principal, created, org, operator, operatorMeta);
        }
        return created;
      });
      const orgs = options.org?.length ? ` with ${options.org.join(', ')}` : '';
      process.stdout.write(`created company ${company.name} (owner ${options.owner})${orgs}\n`);
    });
}
