/**
 * The registry's notification envelope (distribution's `notifications`): only what tokenhub reads
 * is described; everything else in an event is accepted and ignored.
 */
import { Type } from 'typebox';

const text = (maxLength: number) => Type.Optional(Type.String({ maxLength }));

export const registryNotificationBody = Type.Object({
  events: Type.Array(
    Type.Object({
      id: Type.String({ minLength: 1, maxLength: 128 }),
      timestamp: text(64),
      action: Type.String({ maxLength: 32 }),
      target: Type.Optional(
        Type.Object({
          mediaType: text(255),
          digest: text(100),
          size: Type.Optional(Type.Integer({ minimum: 0 })),
          length: Type.Optional(Type.Integer({ minimum: 0 })),
          repository: text(255),
          tag: text(128),
        }),
      ),
      request: Type.Optional(Type.Object({ method: text(16) })),
      actor: Type.Optional(Type.Object({ name: text(256) })),
    }),
    { maxItems: 1000 },
  ),
});

export const registryNotificationReply = Type.Object({
  applied: Type.Integer(),
  repeated: Type.Integer({ description: 'Delivered before: changed nothing.' }),
  ignored: Type.Integer({ description: 'Not about a manifest push, GET or delete of a known repository.' }),
});
