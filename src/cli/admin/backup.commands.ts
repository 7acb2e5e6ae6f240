/**
 * `tokenhub admin export [--output FILE]` and `tokenhub admin import FILE` (services/backup.service.ts).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { AppError } from '../../core/errors.ts';
import { exportBackup, importBackup } from '../../services/backup/backup.service.ts';
import type { ServiceContext } from '../../services/shared/context.ts';
import { writePrivateFile } from './private-file.ts';

type WithServices = <T>(work: (ctx: ServiceContext) => Promise<T>) => Promise<T>;

export function registerBackupCommands(admin: Command, withServices: WithServices): void {
  admin
    .command('export')
    .description('Write a consistent JSON backup of all data (secrets stay hashed; keep it private)')
    .option('--output <file>', 'write to this new file (mode 0600) instead of standard output')
    .option('--force', 'overwrite the --output file if it exists (never through a symbolic link)')
    .addHelpText('after', '\nExample:\n  tokenhub admin export --output tokenhub-backup.json')
    .action(async (options: { output?: string; force?: boolean }) => {
      const backup = await withServices((ctx) => exportBackup(ctx.db, ctx.clock.now()));
      const text = `${JSON.stringify(backup)}\n`;
      if (options.output) {
        writePrivateFile(options.output, text, { force: options.force === true });
        const rows = Object.values(backup.tables).reduce((sum, rowsOf) => sum + rowsOf.length, 0);
        process.stderr.write(`exported ${rows} rows to ${options.output}\n`);
      } else {
        process.stdout.write(text);
      }
    });

  admin
    .command('import <file>')
    .description('Restore a backup from `admin export` into a new, empty database')
    .addHelpText(
      'after',
      '\nExample (SQLite to PostgreSQL):\n  TOKENHUB_DATABASE_URL=postgres://tokenhub@db/tokenhub tokenhub admin import tokenhub-backup.json',
    )
    .action(async (file: string) => {
      let backup: unknown;
      try {
        backup = JSON.parse(readFileSync(file, 'utf8'));
      } catch (error) {
        throw new AppError('BAD_REQUEST', `cannot read ${file}: ${(error as Error).message}`);
      }
      const counts = await withServices((ctx) => importBackup(ctx.db, backup));
      const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
      process.stdout.write(
        `imported ${total} rows (${counts.users} users, ${counts.access_tokens} tokens)\n`,
      );
    });
}
