/**
 * Entry point of the `tokenhub` command: `serve`, `admin …` (operator commands on the local
 * database), and the user commands that talk to a server over HTTP (`login`, `token …`, `org …`,
 * `repo …`; docs/cli.md). Exit codes: 0 success, 1 an error (one line on stderr), 2 a usage error.
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { ConfigError } from '../config.ts';
import { AppError } from '../core/errors.ts';
import { registerAdminCommands } from './admin/admin.commands.ts';
import { serve } from './admin/serve.command.ts';
import { cliVersion } from './client/http-client.ts';
import { registerOidcCommands } from './user/oidc.commands.ts';
import { registerOrgUserCommands } from './user/org.commands.ts';
import { registerRepoCommands } from './user/repo.commands.ts';
import { registerTokenCommands } from './user/token.commands.ts';
import { registerUserCommands } from './user/user.commands.ts';

const program = new Command('tokenhub')
  .description('Docker Hub style access tokens and registry token service')
  .version(cliVersion, '-V, --version', 'print the version and exit')
  .exitOverride()
  .showHelpAfterError();

program
  .command('serve')
  .description('Start the tokenhub server (settings from TOKENHUB_* environment variables)')
  .addHelpText('after', '\nExample:\n  TOKENHUB_PORT=8080 tokenhub serve --workers 2')
  .option(
    '--workers <n>',
    'processes sharing the port (default: TOKENHUB_WORKERS, else the number of CPU cores); 1 = one process',
    (raw: string) => {
      if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 256) {
        throw new InvalidArgumentError('a whole number from 1 to 256');
      }
      return Number(raw);
    },
  )
  .action(async (options: { workers?: number }) => {
    await serve({ workers: options.workers });
  });

registerAdminCommands(program);
registerUserCommands(program);
registerTokenCommands(program);
registerOrgUserCommands(program);
registerRepoCommands(program);
registerOidcCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else if (error instanceof ConfigError || error instanceof AppError) {
    process.stderr.write(`tokenhub: ${error.message}\n`);
    process.exitCode = 1;
  } else {
    process.stderr.write(`tokenhub: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
