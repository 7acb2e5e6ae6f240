/**
 * Operator commands (`tokenhub admin …`): they work on the local database named by
 * `TOKENHUB_DATABASE_URL`, no server needed. Passwords come from stdin, never from an argument.
 */
import type { Command } from 'commander';
import { createLogger } from '../../api/logger.ts';
import { loadConfig } from '../../config.ts';
import { systemClock } from '../../core/clock.ts';
import { createAccount } from '../../services/accounts/account.service.ts';
import { createServiceContext, type ServiceContext } from '../../services/shared/context.ts';
import { openDatabase } from '../../storage/database.ts';
import { migrateToLatest } from '../../storage/migrate.ts';
import { registerCompanyCommands } from './admin-company.commands.ts';
import { registerOrgCommands } from './admin-org.commands.ts';
import { registerAdminRecoveryCommands } from './admin-recovery.commands.ts';
import { registerAdminUserCommands } from './admin-users.commands.ts';
import { registerBackupCommands } from './backup.commands.ts';
import { registerRegistryCommands } from './registry.commands.ts';

const operatorMeta = { ip: 'local', userAgent: 'tokenhub-cli' };

/** Opens the configured store, migrates it (unless told not to), runs `work`, and closes everything. */
async function withServices<T>(
  work: (ctx: ServiceContext) => Promise<T>,
  options: { migrate?: boolean } = {},
): Promise<T> {
  // Operator commands are quiet unless TOKENHUB_LOG_LEVEL asks for more.
  const config = loadConfig(undefined, { TOKENHUB_LOG_LEVEL: 'warn' });
  const log = createLogger(config.logLevel);
  const db = openDatabase(config.database, { connectTimeoutMs: config.databaseTimeoutMs });
  const ctx = createServiceContext({ db, clock: systemClock, config, log, flushIntervalMs: 0 });
  try {
    if (options.migrate !== false) await migrateToLatest(db);
    return await work(ctx);
  } finally {
    await ctx.lastUsed.close();
    await db.destroy();
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export function registerAdminCommands(program: Command): void {
  const admin = program.command('admin').description('Operator commands on the local database');

  admin
    .command('migrate')
    .description('Bring the database schema to the latest version')
    .action(async () => {
      const names = await withServices(
        async (ctx) => {
          const { results } = await migrateToLatest(ctx.db);
          return (results ?? []).map((r) => r.migrationName);
        },
        { migrate: false },
      );
      process.stdout.write(names.length ? `applied: ${names.join(', ')}\n` : 'database is up to date\n');
    });

  admin
    .command('create-user <username>')
    .description('Create an account (the password is read from stdin)')
    .requiredOption('--email <email>', 'email address')
    .requiredOption('--password-stdin', 'read the password from standard input')
    .option('--admin', 'make the account an instance administrator')
    .addHelpText(
      'after',
      '\nExample:\n  echo "$PASSWORD" | tokenhub admin create-user alice --email alice@example.com --password-stdin',
    )
    .action(async (username: string, options: { email: string; admin?: boolean }) => {
      const password = await readStdin();
      const user = await withServices((ctx) =>
        createAccount(
          ctx,
          { username, email: options.email, password, isAdmin: options.admin === true },
          operatorMeta,
          { operator: true },
        ),
      );
      process.stdout.write(
        `created user ${user.username}${user.isAdmin ? ' (instance administrator)' : ''}\n`,
      );
    });

  registerRegistryCommands(admin, withServices);
  registerBackupCommands(admin, withServices);
  registerOrgCommands(admin, withServices);
  registerAdminUserCommands(admin, withServices);
  registerCompanyCommands(admin, withServices);
  registerAdminRecoveryCommands(admin, withServices);
}
