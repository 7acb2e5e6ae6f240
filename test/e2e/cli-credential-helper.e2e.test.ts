/**
 * End to end: `tokenhub login` (device sign-in, approved through the API as the web console would)
 * hands its auto-generated token to skopeo through `docker-credential-tokenhub` alone: the
 * containers auth file names the helper in `credHelpers` and holds no secret. skopeo pushes and
 * pulls through the real registry; after `tokenhub logout` (which revokes the token) the same
 * commands are refused.
 */
import { mkdir, readFile, symlink } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bin, decideDeviceSignIn, helperBin, isolatedEnv, spawnCli } from '../cli/cli-harness.ts';
import { requireBinaries, runCommand, skopeo } from '../support/clients.ts';
import { type RegistryStack, startRegistryStack } from '../support/registry-stack.ts';

const binariesPresent = requireBinaries(['docker-registry', 'skopeo']);

describe.skipIf(!binariesPresent)(
  'tokenhub login + docker-credential-tokenhub with skopeo and the real registry',
  () => {
    let stack: RegistryStack;
    let password: string;
    let env: Record<string, string | undefined>;
    let authFile: string;

    const image = (repo: string) => `docker://${stack.registryHost}/${repo}:1`;
    const push = (repo: string) =>
      skopeo(
        ['copy', '--dest-tls-verify=false', '--authfile', authFile, `oci:${stack.layoutDir}:1`, image(repo)],
        { env },
      );
    const pull = (repo: string, into: string) =>
      skopeo(['copy', '--src-tls-verify=false', '--authfile', authFile, image(repo), `oci:${into}:1`], {
        env,
      });

    beforeAll(async () => {
      stack = await startRegistryStack();
      password = await stack.t.signUp('alice');
      const home = join(stack.dir, 'home');
      // What `npm install` does for a bin entry: an executable named docker-credential-tokenhub on PATH.
      const binDir = join(stack.dir, 'bin');
      await mkdir(binDir, { recursive: true });
      await symlink(helperBin, join(binDir, 'docker-credential-tokenhub'));
      authFile = join(home, 'containers-auth.json');
      env = {
        ...isolatedEnv(home),
        REGISTRY_AUTH_FILE: authFile,
        PATH: [binDir, dirname(process.execPath), process.env.PATH ?? ''].join(delimiter),
      };
    }, 60_000);

    afterAll(async () => stack?.stop());

    it('skopeo pushes and pulls with the token from the device sign-in, and is refused after logout', async () => {
      // The token reply does not name the account; TOKENHUB_USERNAME tells the CLI who approves.
      const login = spawnCli(
        bin,
        ['login', '--server', stack.tokenhubUrl, '--configure-containers', stack.registryHost],
        {
          ...env,
          TOKENHUB_USERNAME: 'alice',
        },
      );
      const [, userCode] = await login.waitForStderr(/the code ([A-Z0-9]{4}-[A-Z0-9]{4})/);
      await decideDeviceSignIn(stack.t, 'alice', password, userCode ?? '');
      const signedIn = await login.done;
      expect(signedIn.stderr).not.toContain('tokenhub:');
      expect(signedIn.code).toBe(0);

      // Only the helper is configured: no secret in the auth file.
      const auth = JSON.parse(await readFile(authFile, 'utf8'));
      expect(auth).toEqual({ credHelpers: { [stack.registryHost]: 'tokenhub' } });

      const pushed = await push('alice/cli');
      expect(pushed.stderr).toBe('');
      expect(pushed.code).toBe(0);
      const pulled = await pull('alice/cli', join(stack.dir, 'pulled'));
      expect(pulled.code).toBe(0);
      expect(pulled.stderr).toBe('');

      const listed = await runCommand('docker-credential-tokenhub', ['list'], { env });
      expect(JSON.parse(listed.stdout)).toEqual({ [stack.registryHost]: 'alice' });

      const out = await runCommand(process.execPath, [bin, 'logout'], { env });
      expect(out).toMatchObject({
        code: 0,
        stdout: expect.stringContaining('the auto-generated token was revoked'),
      });

      const refusedPush = await push('alice/cli');
      expect(refusedPush.code).not.toBe(0);
      expect(refusedPush.stderr).toMatch(/unauthorized|denied|authentication required/i);
      const refusedPull = await pull('alice/cli', join(stack.dir, 'pulled-again'));
      expect(refusedPull.code).not.toBe(0);
    }, 120_000);
  },
);
