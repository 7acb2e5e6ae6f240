/**
 * `tokenhub token rename` and `tokenhub token set-scope`: the two changes `PATCH
 * /v2/access-tokens/{uuid}` allows besides activation (the expiry is never editable). Levels use
 * the console's words (public-read, read, write, admin), and the confirmation says them as the
 * console does (`Read & Write`).
 */
import type { Command } from 'commander';
import type { AccessTokenObject as AccessToken } from '../../api/contract/access-tokens.contract.ts';
import { patLevelWord } from '../../core/permission-words.ts';
import { action, type CommonOptions, parsePatScope, userCommand } from '../client/command-kit.ts';
import { HubSession, UsageError } from '../client/hub-session.ts';
import { writeOutput } from '../client/output.ts';

const tokenPath = (uuid: string) => `/v2/access-tokens/${encodeURIComponent(uuid)}`;

export function registerTokenEdits(token: Command): void {
  userCommand(token, 'rename <uuid> <new-name>', "Change a token's description (its name)", [
    'tokenhub token rename 0b6b2f4e-5a57-4c2a-9d2c-6f1e8e0c1a2b "ci pipeline"',
  ]).action(
    action(
      async (uuid: string, description: string, options: CommonOptions) => {
        if (description.trim() === '') throw new UsageError('the new name is empty');
        const session = HubSession.open(options);
        const { body } = await session.request<AccessToken>('PATCH', tokenPath(uuid), {
          json: { token_label: description },
        });
        writeOutput(options.format, body, (t) => `${t.uuid} is now called ${t.token_label}\n`);
      },
      { token_label: 'the new name' },
    ),
  );

  userCommand(
    token,
    'set-scope <uuid> <level>',
    "Change a token's permission level: public-read, read, write or admin (delete for admin)",
    ['tokenhub token set-scope 0b6b2f4e-5a57-4c2a-9d2c-6f1e8e0c1a2b read'],
  ).action(
    action(async (uuid: string, level: string, options: CommonOptions) => {
      let scope: string;
      try {
        scope = parsePatScope(level);
      } catch {
        throw new UsageError(`unknown level ${level}: choose public-read, read, write or admin`);
      }
      const session = HubSession.open(options);
      const { body } = await session.request<AccessToken>('PATCH', tokenPath(uuid), {
        json: { scopes: [scope] },
      });
      writeOutput(
        options.format,
        body,
        (t) => `${t.uuid} (${t.token_label}) now has ${patLevelWord(t.scopes)}\n`,
      );
    }),
  );
}
