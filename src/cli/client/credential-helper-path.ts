/**
 * Whether docker and the containers tools will find `docker-credential-tokenhub`: both run
 * `docker-credential-<name>` from `PATH` (a `credHelpers` value is a name, never a path), so
 * `--configure-docker` checks it resolves and otherwise says how to put it there.
 */
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { credentialHelperName } from './docker-config.ts';

export const credentialHelperCommand = `docker-credential-${credentialHelperName}`;

/** This installation's package root and helper, for the hint. */
const packageRoot = fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/, '');
export const bundledHelperPath = join(packageRoot, 'bin', `${credentialHelperCommand}.js`);

/** The first executable `docker-credential-tokenhub` in `pathDirs`, or undefined. */
export function resolveCredentialHelper(pathDirs: readonly string[]): string | undefined {
  for (const dir of pathDirs) {
    const candidate = join(dir, credentialHelperCommand);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** What to tell a person whose PATH lacks the helper: the sentence and the commands that fix it. */
export function helperNotOnPathWarning(clients: string): string {
  return (
    `warning: ${clients} will not find ${credentialHelperCommand}: it is not on your PATH, so their ` +
    `logins to these registries fail until it is. Put it there, for example:\n` +
    `  mkdir -p ~/.local/bin && ln -sf ${bundledHelperPath} ~/.local/bin/${credentialHelperCommand}\n` +
    `(and have ~/.local/bin on PATH), or install tokenhub's commands globally: npm install -g ${packageRoot}\n`
  );
}
