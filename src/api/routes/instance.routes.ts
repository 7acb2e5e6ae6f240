/**
 * `GET /v2/instance` (tokenhub extension, no sign-in): what a client needs to know about this
 * instance before it can tell a person what to type, such as the registry host of `docker login`.
 */
import { registryHostOf } from '../../core/registry-host.ts';
import type { App, RouteDeps } from '../app.ts';
import { instanceObject } from '../contract/instance.contract.ts';

export async function instanceRoutes(app: App, { ctx }: RouteDeps): Promise<void> {
  const registryHost = registryHostOf(ctx.config.registryUrl) ?? null;
  app.get(
    '/v2/instance',
    {
      schema: {
        tags: ['instance'],
        summary: 'Public facts about this instance: the registry host for docker login (tokenhub extension)',
        response: { 200: instanceObject },
      },
    },
    async () => ({ registry_host: registryHost }),
  );
}
