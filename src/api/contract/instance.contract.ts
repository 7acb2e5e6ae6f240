import { type Static, Type } from 'typebox';

export const instanceObject = Type.Object({
  registry_host: Type.Union([Type.String(), Type.Null()], {
    description:
      'host[:port] of the registry (TOKENHUB_REGISTRY_URL) for `docker login <host>`; null when not configured',
  }),
});
export type InstanceInfo = Static<typeof instanceObject>;
