/**
 * Registry operator commands: `admin registry-config` (write the certificate bundle, print the
 * registry's `auth.token` block) and `admin rotate-key` (the three rotation steps).
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { Config } from '../../config.ts';
import {
  activateNextKey,
  certificateBundle,
  createNextKey,
  ensureActiveRegistryKey,
  listPublishedRegistryKeys,
  retirePreviousKeys,
} from '../../registry/signing-keys.service.ts';
import type { ServiceContext } from '../../services/shared/context.ts';

type WithServices = <T>(work: (ctx: ServiceContext) => Promise<T>) => Promise<T>;

/** The registry's `auth.token` block for this tokenhub (distribution config, YAML). */
export function registryAuthBlock(config: Readonly<Config>, bundlePath: string): string {
  return [
    'auth:',
    '  token:',
    `    realm: ${config.publicUrl}/token`,
    `    service: ${config.registryService}`,
    `    issuer: ${config.registryIssuer}`,
    `    rootcertbundle: ${bundlePath}`,
    '',
  ].join('\n');
}

async function writeBundle(ctx: ServiceContext, path: string): Promise<void> {
  writeFileSync(path, certificateBundle(await listPublishedRegistryKeys(ctx.db)), { mode: 0o644 });
}

export function registerRegistryCommands(admin: Command, withServices: WithServices): void {
  admin
    .command('registry-config')
    .description("Write the signing certificate bundle and print the registry's auth.token block")
    .requiredOption('--bundle <path>', 'where to write the PEM certificate bundle (rootcertbundle)')
    .addHelpText(
      'after',
      '\nExample:\n  tokenhub admin registry-config --bundle /etc/docker/registry/tokenhub.pem >> /etc/docker/registry/config.yml',
    )
    .action(async (options: { bundle: string }) => {
      const path = resolve(options.bundle);
      const block = await withServices(async (ctx) => {
        await ensureActiveRegistryKey(ctx.db, ctx.clock, ctx.secretKey());
        await writeBundle(ctx, path);
        return registryAuthBlock(ctx.config, path);
      });
      process.stdout.write(block);
    });

  admin
    .command('rotate-key')
    .description(
      'Rotate the registry signing key: publish a next key, then --activate it, then --retire the old one',
    )
    .option('--activate', 'step 2: sign with the published next key from now on')
    .option('--retire', 'step 3: drop the previous key from the bundle')
    .option('--bundle <path>', 'rewrite this certificate bundle after the step')
    .addHelpText(
      'after',
      [
        '',
        'Steps (reload the registry after each bundle change):',
        '  tokenhub admin rotate-key --bundle tokenhub.pem              # 1. next key published',
        '  tokenhub admin rotate-key --activate                         # 2. next key signs',
        '  tokenhub admin rotate-key --retire --bundle tokenhub.pem     # 3. after the token lifetime',
      ].join('\n'),
    )
    .action(async (options: { activate?: boolean; retire?: boolean; bundle?: string }) => {
      const message = await withServices(async (ctx) => {
        let done: string;
        if (options.activate && options.retire) throw new Error('choose one of --activate and --retire');
        if (options.activate) {
          const key = await activateNextKey(ctx.db, ctx.clock);
          done = `activated key ${key.keyId}; the previous key stays in the bundle until --retire`;
        } else if (options.retire) {
          done = `retired ${await retirePreviousKeys(ctx.db, ctx.clock)} previous key(s)`;
        } else {
          const key = await createNextKey(ctx.db, ctx.clock, ctx.secretKey());
          done = `published next key ${key.keyId}; reload the registry with the new bundle, then run --activate`;
        }
        if (options.bundle) await writeBundle(ctx, resolve(options.bundle));
        return done;
      });
      process.stdout.write(`${message}\n`);
    });
}
