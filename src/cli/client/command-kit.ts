/**
 * Building blocks of the user commands: a leaf command with `--server`, `--format` and an
 * example in its help; an action wrapper that turns `UsageError` into commander's usage error
 * (exit code 2) and names the flags in the server's messages; and the argument parsers shared by
 * several commands.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { ApiError } from './http-client.ts';
import { UsageError } from './hub-session.ts';
import { type OutputFormat, outputFormats } from './output.ts';

export interface CommonOptions {
  server?: string;
  format: OutputFormat;
}

/**
 * A user command under `parent` with the common options.
 * @param examples shown under "Examples:" in `--help`.
 */
export function userCommand(
  parent: Command,
  spec: string,
  description: string,
  examples: readonly string[],
  options: { format?: boolean } = {},
): Command {
  const command = parent
    .command(spec)
    .description(description)
    .option('--server <url>', 'tokenhub server (default: $TOKENHUB_SERVER, else the last one logged in to)');
  if (options.format !== false) {
    command.addOption(
      new Option('--format <format>', 'output: a table for people, JSON for scripts')
        .choices(outputFormats)
        .default('table'),
    );
  }
  return command.addHelpText(
    'after',
    `\nExample${examples.length > 1 ? 's' : ''}:\n  ${examples.join('\n  ')}`,
  );
}

/** Help text for a command group, with examples. */
export function groupCommand(
  parent: Command,
  name: string,
  description: string,
  examples: string[],
): Command {
  return parent
    .command(name)
    .description(description)
    .addHelpText('after', `\nExamples:\n  ${examples.join('\n  ')}`);
}

/**
 * Wraps an action so a `UsageError` ends as a usage error (exit 2) of the command that ran, and
 * the server's field names read as what the person typed.
 * @param names field → words for this command, over the flags (`{ token_label: 'the new name' }`
 *   when the field came from a positional argument).
 */
export function action<T extends unknown[]>(
  run: (...args: T) => Promise<void>,
  names: Readonly<Record<string, string>> = {},
): (...args: T) => Promise<void> {
  return async (...args: T) => {
    try {
      await run(...args);
    } catch (error) {
      const command = args[args.length - 1];
      if (error instanceof UsageError && command instanceof Command) {
        command.error(`error: ${error.message}`, { exitCode: 2, code: 'tokenhub.usage' });
      }
      if (error instanceof ApiError) error.message = withFlagNames(error.message, names);
      throw error;
    }
  };
}

/** The API's field names as the flags a person typed (`expires_at` → `--expires`). */
const flagOfField: Record<string, string> = {
  expires_at: '--expires',
  token_label: '--description',
  scopes: '--scope',
  label: '--label',
  resources: '--repo/--scope',
};

/** Rewrites field names the server put in a message into the CLI's flag names (or `names`). */
export function withFlagNames(message: string, names: Readonly<Record<string, string>> = {}): string {
  return message.replace(
    /\b(expires_at|token_label|scopes|label|resources)\b/g,
    (field) => names[field] ?? flagOfField[field] ?? field,
  );
}

/** Collects a repeatable option's values. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

const patScopeNames: Record<string, string> = {
  'public-read': 'repo:public_read',
  read: 'repo:read',
  write: 'repo:write',
  admin: 'repo:admin',
  delete: 'repo:admin',
};

/**
 * `--scope read|write|admin|public-read` (`delete` for admin, whose word is "Read, Write,
 * Delete"; or the API's `repo:read`…) → the API's scope.
 */
export function parsePatScope(value: string): string {
  const scope = patScopeNames[value] ?? (Object.values(patScopeNames).includes(value) ? value : undefined);
  if (!scope) throw new InvalidArgumentError('Choose read, write, admin or public-read.');
  return scope;
}

/**
 * `--expires 30d | 2026-12-31 | 2026-12-31T18:00:00Z | never` → ISO 8601 or null. `Nd` counts
 * from now; a date alone means the start of that day, UTC.
 */
export function parseExpiry(value: string, now: Date = new Date()): string | null {
  if (value === 'never') return null;
  const days = /^(\d{1,3})d$/.exec(value);
  if (days) return new Date(now.getTime() + Number(days[1]) * 86_400_000).toISOString();
  if (/^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    return `${value}T00:00:00.000Z`;
  }
  if (/^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value))) {
    return new Date(value).toISOString();
  }
  throw new InvalidArgumentError('Use a number of days (30d), a date (2026-12-31) or never.');
}
