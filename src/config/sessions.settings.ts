/** Password sessions kept on the server (docs/cli.md, docs/web-console.md): `config.sessions`. */
import { integer, type Setting } from './values.ts';

export const sessionSettings = {
  cliTtlSeconds: integer(
    'TOKENHUB_CLI_SESSION_TTL_SECONDS',
    2_592_000,
    [3600, 31_536_000],
    (range) =>
      `Lifetime of a \`tokenhub login\` password session (its refresh token), in seconds (${range}); the account can end it sooner from the console or with \`tokenhub logout\`.`,
  ),
} satisfies Record<string, Setting<unknown>>;
