/**
 * Points docker and the containers tools (skopeo, podman, buildah) at `docker-credential-tokenhub`
 * for a registry host: `credHelpers: {"<host>": "tokenhub"}` in `$DOCKER_CONFIG/config.json`
 * (docker's config-file reference) or in the containers auth file (containers-auth.json(5)).
 * Every other key of those files is kept as it was.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** The helper's name as docker spells it: it runs `docker-credential-<name>`. */
export const credentialHelperName = 'tokenhub';

function readJsonObject(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  if (text.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch {
    // reported below
  }
  throw new Error(`${path} is not a JSON object: fix it, then try again`);
}

/** Replaces the file atomically, mode 0600 (its directory 0700 when created). */
function writeJsonObject(path: string, config: Record<string, unknown>): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(config, null, '\t')}\n`, { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, path);
}

/**
 * Stores `username:secret` for a registry host as `docker login` does without a credential store
 * (`auths.<host>.auth`, base64), for a CI job's short-lived token (`tokenhub oidc login`). A
 * `credHelpers` entry for the host would win over it, so it is removed.
 */
export function setRegistryAuth(path: string, host: string, username: string, secret: string): void {
  const config = readJsonObject(path);
  const auths =
    config.auths !== null && typeof config.auths === 'object' ? { ...(config.auths as object) } : {};
  config.auths = { ...auths, [host]: { auth: Buffer.from(`${username}:${secret}`).toString('base64') } };
  const helpers = config.credHelpers;
  if (helpers !== null && typeof helpers === 'object' && host in helpers) {
    const { [host]: _removed, ...rest } = helpers as Record<string, unknown>;
    config.credHelpers = rest;
  }
  writeJsonObject(path, config);
}

/**
 * Adds `host → tokenhub` to the file's `credHelpers` (creating the file, mode 0600, if needed).
 * Every other key and every other registry's entry is kept as it was.
 * @returns whether the file changed, and the hosts whose earlier `docker login` credential
 *   (`auths.<host>.auth`) the helper now takes precedence over (kept in the file, but unused).
 */
export function addCredentialHelper(
  path: string,
  hosts: readonly string[],
): { changed: boolean; shadowed: string[] } {
  const config = readJsonObject(path);
  const current = config.credHelpers;
  const helpers: Record<string, unknown> =
    current !== null && typeof current === 'object' && !Array.isArray(current)
      ? { ...(current as Record<string, unknown>) }
      : {};
  const auths = config.auths !== null && typeof config.auths === 'object' ? config.auths : {};
  const shadowed: string[] = [];
  let changed = false;
  for (const host of hosts) {
    if (helpers[host] !== credentialHelperName) {
      helpers[host] = credentialHelperName;
      changed = true;
      const entry = (auths as Record<string, unknown>)[host];
      if (entry !== null && typeof entry === 'object' && 'auth' in entry) shadowed.push(host);
    }
  }
  if (!changed) return { changed, shadowed };
  config.credHelpers = helpers;
  writeJsonObject(path, config);
  return { changed, shadowed };
}
