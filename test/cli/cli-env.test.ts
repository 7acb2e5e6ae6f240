/** Where the CLI finds its own credentials and the docker and containers auth files. */
import { describe, expect, it } from 'vitest';
import { readCliEnv } from '../../src/cli/client/cli-env.ts';

describe('the containers auth file', () => {
  it('is REGISTRY_AUTH_FILE, else under XDG_RUNTIME_DIR, else under XDG_CONFIG_HOME as skopeo reads it', () => {
    const base = { HOME: '/home/alice' };
    expect(readCliEnv({ ...base, REGISTRY_AUTH_FILE: '/etc/auth.json' }).containersAuthPath).toBe(
      '/etc/auth.json',
    );
    expect(readCliEnv({ ...base, XDG_RUNTIME_DIR: '/run/user/1000' }).containersAuthPath).toBe(
      '/run/user/1000/containers/auth.json',
    );
    expect(readCliEnv({ ...base, XDG_CONFIG_HOME: '/srv/config' }).containersAuthPath).toBe(
      '/srv/config/containers/auth.json',
    );
    expect(readCliEnv(base).containersAuthPath).toBe('/home/alice/.config/containers/auth.json');
  });
});
