/**
 * The `docker-hub-api` npm package against a listening tokenhub (its HTTP client, `request`, over a
 * real socket): the functions for the features tokenhub has, with the package's own trailing
 * slashes and `Authorization: JWT <token>`. Its `tags` needs the registry and runs in
 * test/e2e/registry-facts.e2e.test.ts. Functions for features tokenhub has no such thing as
 * (builds, webhooks, collaborators, stars, comments, registry settings) are not served;
 * `setRepositoryPrivacy` throws inside the package before sending anything (it reads an undefined
 * variable), so it cannot work against any server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app-harness.ts';
import { type DockerHubApi, dockerHubApiAt } from './docker-hub-api.ts';

let t: TestApp;
let api: DockerHubApi;
let password: string;

beforeAll(async () => {
  t = await createTestApp();
  password = await t.signUp('alice');
  await t.signUp('bobby');
  const origin = await t.app.listen({ host: '127.0.0.1', port: 0 });
  api = dockerHubApiAt(origin);
});
afterAll(async () => t.close());

describe('docker-hub-api', () => {
  it('login (POST /v2/users/login/) and loggedInUser (GET /v2/user/)', async () => {
    await expect(api.login('alice', 'wrong password')).rejects.toThrow(/detail/);
    const { token } = await api.login('alice', password);
    expect(token.split('.')).toHaveLength(3);
    expect(await api.loggedInUser()).toMatchObject({
      username: 'alice',
      type: 'User',
      email: 'alice@example.com',
    });
  });

  it('user (GET /v2/users/{u}/)', async () => {
    expect(await api.user('Bobby')).toMatchObject({ username: 'bobby', type: 'User' });
    await expect(api.user('nobody99')).rejects.toThrow(/not found/);
  });

  it('createRepository (POST /v2/repositories/), repository, setRepositoryDescription, repositories, deleteRepository', async () => {
    const created = await api.createRepository('alice', 'library-made', {
      is_private: false,
      description: 'short',
      full_description: 'long',
    });
    expect(created).toMatchObject({ name: 'library-made', namespace: 'alice', description: 'short' });
    expect(await api.repository('alice', 'library-made')).toMatchObject({ full_description: 'long' });
    const described = await api.setRepositoryDescription('alice', 'library-made', {
      short: 'shorter',
      full: 'longer',
    });
    expect(described).toMatchObject({ description: 'shorter', full_description: 'longer' });
    const listed = await api.repositories('alice');
    expect((listed.results as { name: string }[]).map((r) => r.name)).toEqual(['library-made']);
    await api.deleteRepository('alice', 'library-made');
    await expect(api.repository('alice', 'library-made')).rejects.toThrow(/not found/);
  });

  it('logout (POST /v2/logout/)', async () => {
    await expect(api.logout()).resolves.toBeUndefined();
  });
});
