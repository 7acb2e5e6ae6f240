/**
 * Entry point of the `tokenhub` command: `serve`, `admin …` (operator commands on the local
 * database), and the user commands that talk to a server over HTTP (`login`, `token …`, `org …`,
 * `repo …`; docs/cli.md). Exit codes: 0 success, 1 an error (one line on stderr), 2 a usage error,
 * 75 the database is unavailable (a temporary failure: try again later).
 *
 * Commands are loaded when asked for: `serve` loads no other command, so a cluster primary, which
 * serves nothing, stays small; `admin …` loads only the operator commands.
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { ConfigError } from '../config.ts';
import { AppError } from '../core/errors.ts';
import { storeFaultOf } from '../storage/store-faults.ts';
import { storeUnavailableExitCode } from './admin/restart-policy.ts';
import { cliVersion } from './client/http-client.ts';

const program = new Command('tokenhub')
  .description('Docker Hub style access tokens and registry token service')
  .version(cliVersion, '-V, --version', 'print the version and exit')
  .exitOverride()
  .showHelpAfterError("(add --help for the command's usage and examples)");

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
    const { serve } = await import('./admin/serve.command.ts');
    await serve({ workers: options.workers });
  });

const command = process.argv[2];
if (command !== 'serve') {
  const { registerAdminCommands } = await import('./admin/admin.commands.ts');
  registerAdminCommands(program);
}
if (command !== 'serve' && command !== 'admin') {
  const [user, token, org, invite, repo, oidc, company] = await Promise.all([
    import('./user/user.commands.ts'),
    import('./user/token.commands.ts'),
    import('./user/org.commands.ts'),
    import('./user/invite.commands.ts'),
    import('./user/repo.commands.ts'),
    import('./user/oidc.commands.ts'),
    import('./user/company.commands.ts'),
  ]);
  user.registerUserCommands(program);
  token.registerTokenCommands(program);
  org.registerOrgUserCommands(program);
  invite.registerInviteCommands(program);
  repo.registerRepoCommands(program);
  oidc.registerOidcCommands(program);
  company.registerCompanyCommands(program);
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else if (storeFaultOf(error)?.kind === 'unavailable') {
    const fault = storeFaultOf(error);
    process.stderr.write(`tokenhub: the database is unavailable (${fault?.reason}); try again later\n`);
    process.exitCode = storeUnavailableExitCode;
  } else if (error instanceof ConfigError || error instanceof AppError) {
    process.stderr.write(`tokenhub: ${error.message}\n`);
    process.exitCode = 1;
  } else {
    process.stderr.write(`tokenhub: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
