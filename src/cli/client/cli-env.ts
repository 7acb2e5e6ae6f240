/**
 * The environment of the user-facing commands, read once (the CLI's counterpart of `config.ts`): where
 * credentials and the docker/containers auth files live, and the CI overrides.
 *
 * - `TOKENHUB_SERVER`: the server to talk to when `--server` is not given.
 * - `TOKENHUB_TOKEN` (+ `TOKENHUB_USERNAME`): a personal access token (or an organization access
 *   token with the organization's name) used instead of the stored credentials, exchanged for a
 *   session at `POST /v2/auth/token` on every run.
 * - `XDG_CONFIG_HOME` (default `~/.config`): credentials in `tokenhub/credentials.json`.
 * - `DOCKER_CONFIG` (default `~/.docker`), `REGISTRY_AUTH_FILE` or `XDG_RUNTIME_DIR`: the auth files
 *   `--configure-docker` and `--configure-containers` edit.
 * - `PATH`: where docker and the containers tools will look for `docker-credential-tokenhub`.
 */
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface CliEnv {
  readonly server: string | undefined;
  readonly token: string | undefined;
  readonly username: string | undefined;
  /** `$XDG_CONFIG_HOME/tokenhub`. */
  readonly configDir: string;
  /** `$DOCKER_CONFIG/config.json`. */
  readonly dockerConfigPath: string;
  /**
   * `$REGISTRY_AUTH_FILE`, else `${XDG_RUNTIME_DIR:-$XDG_CONFIG_HOME}/containers/auth.json`: a file
   * skopeo and podman read (without XDG_RUNTIME_DIR they read `$XDG_CONFIG_HOME/containers`).
   */
  readonly containersAuthPath: string;
  /** `$PATH`, split; the directories a credential helper is looked up in. */
  readonly pathDirs: readonly string[];
}

const nonEmpty = (value: string | undefined) => (value === undefined || value === '' ? undefined : value);

export function readCliEnv(env: NodeJS.ProcessEnv = process.env): CliEnv {
  const home = nonEmpty(env.HOME) ?? homedir();
  const configHome = nonEmpty(env.XDG_CONFIG_HOME) ?? join(home, '.config');
  return Object.freeze({
    server: nonEmpty(env.TOKENHUB_SERVER),
    token: nonEmpty(env.TOKENHUB_TOKEN),
    username: nonEmpty(env.TOKENHUB_USERNAME),
    configDir: join(configHome, 'tokenhub'),
    dockerConfigPath: join(nonEmpty(env.DOCKER_CONFIG) ?? join(home, '.docker'), 'config.json'),
    containersAuthPath:
      nonEmpty(env.REGISTRY_AUTH_FILE) ??
      join(nonEmpty(env.XDG_RUNTIME_DIR) ?? configHome, 'containers', 'auth.json'),
    pathDirs: Object.freeze((env.PATH ?? '').split(delimiter).filter((dir) => dir !== '')),
  });
}
