/**
 * `POST /v2/registry/notifications`: where the registry's `notifications.endpoints` deliver
 * (docs/repositories.md). The registry proves itself with the shared secret
 * `TOKENHUB_REGISTRY_NOTIFY_SECRET` as `Authorization: Bearer <secret>`, compared in constant time;
 * without the setting the route refuses every call.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../core/errors.ts';
import { applyRegistryEvents } from '../../services/repositories/registry-notifications.service.ts';
import type { App, RouteDeps } from '../app.ts';
import { errorReplies } from '../contract/common.contract.ts';
import {
  registryNotificationBody,
  registryNotificationReply,
} from '../contract/registry-notifications.contract.ts';
import { requestMeta } from '../request-meta.ts';

/** A notification envelope may carry many events; the API's usual 64 KiB is too small. */
const notificationBodyLimit = 1024 * 1024;

const digestOf = (text: string) => createHash('sha256').update(text).digest();

export async function registryNotificationRoutes(app: App, { ctx }: RouteDeps): Promise<void> {
  const secret = ctx.config.registryNotifySecret;
  const expected = secret === undefined ? undefined : digestOf(`Bearer ${secret}`);

  /** @throws AppError NOT_FOUND (not configured), REGISTRY_NOTIFICATION_REFUSED (wrong secret). */
  async function checkSecret(request: FastifyRequest): Promise<void> {
    if (!expected) {
      throw new AppError(
        'NOT_FOUND',
        'registry notifications are off: TOKENHUB_REGISTRY_NOTIFY_SECRET is not set',
      );
    }
    const given = digestOf(request.headers.authorization ?? '');
    if (!timingSafeEqual(given, expected)) throw new AppError('REGISTRY_NOTIFICATION_REFUSED');
  }

  app.post(
    '/v2/registry/notifications',
    {
      bodyLimit: notificationBodyLimit,
      preHandler: checkSecret,
      schema: {
        tags: ['registry'],
        summary: "The registry's notifications: pulls, pushes and deletes become repository facts",
        description:
          'Each event applies once (its id is remembered for a week); events about blobs, HEAD requests, mounts and unknown repositories are ignored.',
        body: registryNotificationBody,
        response: { 200: registryNotificationReply, ...errorReplies(400, 401, 404) },
      },
    },
    async (request) => applyRegistryEvents(ctx, request.body.events, requestMeta(request)),
  );
}
