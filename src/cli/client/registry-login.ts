/**
 * The `docker login <host> -u <name>` a person should type after creating a token. The host comes
 * from the server (`GET /v2/instance`, from `TOKENHUB_REGISTRY_URL`); without it, a bare
 * `docker login -u` would sign in to Docker Hub, so the hint says the host is needed instead.
 */
import type { InstanceInfo } from '../../api/contract/instance.contract.ts';
import { apiRequest } from './http-client.ts';

/** The registry host the server knows, or undefined (not configured, or an older server). */
export async function registryHostOf(server: string): Promise<string | undefined> {
  try {
    const { body } = await apiRequest<InstanceInfo>(server, 'GET', '/v2/instance');
    return body.registry_host ?? undefined;
  } catch {
    return undefined;
  }
}

/** One or two lines telling how to log in with a new token as the password of `name`. */
export function dockerLoginHint(name: string, host: string | undefined): string {
  if (host) return `Log in with: docker login ${host} -u ${name} (paste the token at the password prompt)\n`;
  return (
    `Log in with: docker login REGISTRY-HOST -u ${name} (paste the token at the password prompt)\n` +
    'This tokenhub does not know its registry host (an administrator sets TOKENHUB_REGISTRY_URL): ' +
    'replace REGISTRY-HOST with it; without a host, docker logs in to Docker Hub.\n'
  );
}
