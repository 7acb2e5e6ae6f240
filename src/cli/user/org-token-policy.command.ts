/**
 * `tokenhub org token-policy <org>`: reads an organization's token policy, or (with flags) changes
 * it, over `/v2/orgs/{org}/settings/tokens` (a tokenhub extension). Members may read it; owners
 * change it with a password sign-in.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { OrgTokenPolicyObject } from '../../api/contract/token-policy.contract.ts';
import { action, type CommonOptions, userCommand } from '../client/command-kit.ts';
import { HubSession } from '../client/hub-session.ts';
import { formatFields, localTime, writeOutput } from '../client/output.ts';

/** `30`, `30d` or `none` (no cap). */
function parseDays(value: string): number | null {
  if (value === 'none') return null;
  const match = /^(\d{1,3})d?$/.exec(value);
  if (!match) throw new InvalidArgumentError('Use a number of days (30 or 30d), or none.');
  return Number(match[1]);
}

const days = (value: number | null) => (value === null ? 'no cap' : `${value} days`);

function policyFields(p: OrgTokenPolicyObject): string {
  return formatFields([
    ['Organization tokens live at most', days(p.oat_max_lifetime_days)],
    ['Personal tokens on its repositories live at most', days(p.pat_max_lifetime_days)],
    ['Personal tokens must be fine-grained', p.require_fine_grained_pats ? 'yes' : 'no'],
    ['Instance cap on every token', days(p.instance_max_lifetime_days)],
    ['Unused tokens expire after', p.unused_expiry_days === null ? 'never' : `${p.unused_expiry_days} days`],
    ['Changed', p.updated_at ? `${localTime(p.updated_at)} by ${p.updated_by ?? '?'}` : 'never'],
  ]);
}

export function registerOrgTokenPolicyCommand(org: Command): void {
  userCommand(org, 'token-policy <org>', "Show or change an organization's token policy", [
    'tokenhub org token-policy acme',
    'tokenhub org token-policy acme --pat-max-days 30 --oat-max-days 90 --require-fine-grained',
    'tokenhub org token-policy acme --pat-max-days none --no-require-fine-grained',
  ])
    .addOption(
      new Option(
        '--pat-max-days <days>',
        'longest lifetime of personal tokens used on its repositories (or none)',
      ).argParser(parseDays),
    )
    .addOption(
      new Option('--oat-max-days <days>', 'longest lifetime of its organization tokens (or none)').argParser(
        parseDays,
      ),
    )
    .option('--require-fine-grained', 'personal tokens used on its repositories must list repositories')
    .option('--no-require-fine-grained', 'lift that rule')
    .action(
      action(
        async (
          name: string,
          options: CommonOptions & {
            patMaxDays?: number | null;
            oatMaxDays?: number | null;
            requireFineGrained?: boolean;
          },
        ) => {
          const session = HubSession.open(options);
          const path = `/v2/orgs/${encodeURIComponent(name)}/settings/tokens`;
          const changes = {
            ...(options.patMaxDays !== undefined ? { pat_max_lifetime_days: options.patMaxDays } : {}),
            ...(options.oatMaxDays !== undefined ? { oat_max_lifetime_days: options.oatMaxDays } : {}),
            ...(options.requireFineGrained !== undefined
              ? { require_fine_grained_pats: options.requireFineGrained }
              : {}),
          };
          const { body } =
            Object.keys(changes).length > 0
              ? await session.request<OrgTokenPolicyObject>('PATCH', path, { json: changes })
              : await session.request<OrgTokenPolicyObject>('GET', path);
          writeOutput(options.format, body, policyFields);
        },
      ),
    );
}
