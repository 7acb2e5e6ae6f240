/**
 * The npm package `docker-hub-api` itself, pointed at a listening tokenhub: the package builds
 * every URL as `https://hub.docker.com/v2/<path>/`, so its one URL builder (`makeRequestParams`) is
 * wrapped to send the same request to tokenhub's origin instead. Nothing else of it is changed.
 */
import { createRequire } from 'node:module';

/** The package's functions the replays call (it ships no types). */
export interface DockerHubApi {
  login(username: string, password: string): Promise<{ token: string }>;
  logout(): Promise<void>;
  loggedInUser(): Promise<Record<string, unknown>>;
  setLoginToken(token: string | null): void;
  setCacheOptions(options: { enabled?: boolean; time?: number }): void;
  user(username: string): Promise<Record<string, unknown>>;
  repositories(username: string): Promise<Record<string, unknown>>;
  repository(username: string, name: string): Promise<Record<string, unknown>>;
  createRepository(
    username: string,
    name: string,
    details: { is_private?: boolean; description?: string; full_description?: string },
  ): Promise<Record<string, unknown>>;
  setRepositoryDescription(
    username: string,
    name: string,
    descriptions: { full?: string; short?: string },
  ): Promise<Record<string, unknown>>;
  deleteRepository(username: string, name: string): Promise<void>;
  tags(
    username: string,
    name: string,
    options?: { page?: number; perPage?: number },
  ): Promise<Record<string, unknown>[]>;
  makeRequestParams(method: string, path: string, data?: unknown): { url: string };
}

/** A fresh copy of the package (it keeps the login token in module state), sending to `origin`. */
export function dockerHubApiAt(origin: string): DockerHubApi {
  const require = createRequire(import.meta.url);
  const path = require.resolve('docker-hub-api');
  delete require.cache[path];
  const api = require(path) as DockerHubApi;
  const build = api.makeRequestParams.bind(api);
  api.makeRequestParams = (method, requestPath, data) => {
    const params = build(method, requestPath, data);
    params.url = params.url.replace('https://hub.docker.com', origin);
    return params;
  };
  api.setCacheOptions({ enabled: false });
  return api;
}
