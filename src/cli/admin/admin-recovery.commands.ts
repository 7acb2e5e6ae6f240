/**
 * Operator commands for getting an account back and watching the mail queue (docs/mail.md):
 * - `tokenhub admin reset-password <user>`: prints a one-time reset link (30 min) to hand over, or
 *   with `--password-stdin` sets the password read from stdin; either way every session and
 *   refresh token of the account ends at the reset, and it is audited;
 * - `tokenhub admin disable-2fa <user>`: turns two-factor sign-in off (audited, mailed);
 * - `tokenhub admin mail ls [--state pending|sent|given_up] [--limit n]`: the outbox, newest first.
 */
import { type Command, InvalidArgumentError } from 'commander';
import { createResetLink, setPasswordByOperator } from '../../services/accounts/password-reset.service.ts';
import type { ServiceContext } from '../../services/shared/context.ts';
import { disableTwoFactorByOperator } from '../../services/sign-in/two-factor-recovery.service.ts';
import { countOutboxByState, listOutboxMail, type OutboxMail } from '../../storage/mail-outbox.repository.ts';

type WithServices = <T>(work: (ctx: ServiceContext) => Promise<T>) => Promise<T>;

const operatorMeta = { ip: 'local', userAgent: 'tokenhub-cli' };
const operator = { id: null, name: 'operator' };
const states = ['pending', 'sent', 'given_up'] as const;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

function mailLine(mail: OutboxMail): string {
  const when = mail.state === 'sent' ? (mail.sentAt ?? '') : mail.nextAttemptAt;
  const error = mail.lastError ? `  ${mail.lastError.replace(/\s+/g, ' ').slice(0, 80)}` : '';
  return `${mail.createdAt}  ${mail.state.padEnd(8)}  ${String(mail.attempts).padStart(2)}  ${when.padEnd(24)}  ${mail.kind.padEnd(15)}  ${mail.recipient}${error}`;
}

export function registerAdminRecoveryCommands(admin: Command, withServices: WithServices): void {
  admin
    .command('reset-password <username>')
    .description('Print a one-time password reset link for an account, or set its password from stdin')
    .option('--password-stdin', 'set the password read from standard input instead of printing a link')
    .addHelpText(
      'after',
      '\nExamples:\n  tokenhub admin reset-password alice\n  echo "$NEW_PASSWORD" | tokenhub admin reset-password alice --password-stdin',
    )
    .action(async (username: string, options: { passwordStdin?: boolean }) => {
      if (options.passwordStdin) {
        const password = await readStdin();
        const user = await withServices((ctx) =>
          setPasswordByOperator(ctx, username, password, operator, operatorMeta),
        );
        process.stdout.write(`password of ${user.username} set; every session of the account was ended\n`);
        return;
      }
      const { user, link } = await withServices((ctx) => createResetLink(ctx, username));
      process.stdout.write(
        `one-time link to reset the password of ${user.username} (valid 30 minutes):\n${link}\n`,
      );
    });

  admin
    .command('disable-2fa <username>')
    .description('Turn two-factor sign-in off for an account (its recovery codes go too)')
    .addHelpText('after', '\nExample:\n  tokenhub admin disable-2fa alice')
    .action(async (username: string) => {
      const { user, wasEnabled } = await withServices((ctx) =>
        disableTwoFactorByOperator(ctx, username, operator, operatorMeta),
      );
      process.stdout.write(
        wasEnabled
          ? `two-factor sign-in of ${user.username} is now off\n`
          : `two-factor sign-in of ${user.username} was not on\n`,
      );
    });

  const mail = admin.command('mail').description('The outgoing mail queue');
  mail
    .command('ls')
    .description('List queued, sent and given-up mail, newest first')
    .option('--state <state>', `only mails in this state: ${states.join(', ')}`, (raw: string) => {
      if (!(states as readonly string[]).includes(raw)) throw new InvalidArgumentError(states.join(', '));
      return raw as (typeof states)[number];
    })
    .option('--limit <n>', 'at most this many (1-1000, default 50)', (raw: string) => {
      if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 1000) {
        throw new InvalidArgumentError('a whole number from 1 to 1000');
      }
      return Number(raw);
    })
    .action(async (options: { state?: (typeof states)[number]; limit?: number }) => {
      const { mails, counts } = await withServices(async (ctx) => ({
        mails: await listOutboxMail(ctx.db, {
          ...(options.state ? { state: options.state } : {}),
          limit: options.limit ?? 50,
        }),
        counts: await countOutboxByState(ctx.db),
      }));
      const summary = states.map((state) => `${state} ${counts[state] ?? 0}`).join(', ');
      process.stdout.write(`${summary}\n`);
      if (mails.length === 0) return;
      process.stdout.write(
        'CREATED                   STATE     TRY  NEXT/SENT                 KIND             TO\n',
      );
      for (const one of mails) process.stdout.write(`${mailLine(one)}\n`);
    });
}
