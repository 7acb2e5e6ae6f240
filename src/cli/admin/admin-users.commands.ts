/**
 * `tokenhub admin set-admin <username> [--revoke]`: the instance administrator right, an
 * operator's decision on the local database (no API grants it). Prints one line; an unknown user
 * is `tokenhub: no user named …` with exit code 1.
 */
import type { Command } from 'commander';
import { setInstanceAdmin } from '../../services/accounts/instance-admin.service.ts';
import type { ServiceContext } from '../../services/shared/context.ts';

type WithServices = <T>(work: (ctx: ServiceContext) => Promise<T>) => Promise<T>;

const operatorMeta = { ip: 'local', userAgent: 'tokenhub-cli' };
const operator = { id: null, name: 'operator' };

export function registerAdminUserCommands(admin: Command, withServices: WithServices): void {
  admin
    .command('set-admin <username>')
    .description(
      'Make a user an instance administrator (all namespaces, the registry catalog), or --revoke it',
    )
    .option('--revoke', 'take the administrator right away instead')
    .addHelpText(
      'after',
      '\nExamples:\n  tokenhub admin set-admin alice\n  tokenhub admin set-admin alice --revoke',
    )
    .action(async (username: string, options: { revoke?: boolean }) => {
      const isAdmin = options.revoke !== true;
      const { user, changed } = await withServices((ctx) =>
        setInstanceAdmin(ctx, username, isAdmin, operator, operatorMeta),
      );
      const [done, already] = isAdmin
        ? ['is now an instance administrator', 'already is an instance administrator']
        : ['is no longer an instance administrator', 'was not an instance administrator'];
      process.stdout.write(`${user.username} ${changed ? done : already}\n`);
    });
}
