/**
 * Two-factor sign-in management (password session only): `POST /v2/users/me/2fa/setup` →
 * `{secret, otpauth_uri}` (the same pending secret until it is confirmed or cancelled with
 * `DELETE /v2/users/me/2fa/setup`); `POST /v2/users/me/2fa/enable {code}` → `{recovery_codes}` (shown once);
 * `POST /v2/users/me/2fa/disable {password, code}` → 204. `GET /v2/users/me/2fa` tells the state.
 */

import { reauthenticate, requireRecentSignIn } from '../../services/sign-in/reauthentication.ts';
import {
  cancelTwoFactorSetup,
  disableTwoFactor,
  enableTwoFactor,
  isTwoFactorSetupPending,
  setUpTwoFactor,
  twoFactorState,
} from '../../services/sign-in/two-factor.service.ts';
import type { App, RouteDeps } from '../app.ts';
import { accountOf } from '../auth.ts';
import {
  recoveryCodesObject,
  twoFactorDisableBody,
  twoFactorEnableBody,
  twoFactorSetupObject,
  twoFactorStateObject,
} from '../contract/accounts.contract.ts';
import { errorReplies, noContentReplies } from '../contract/common.contract.ts';
import { requestMeta } from '../request-meta.ts';
import { guardedRoute } from '../route-options.ts';
import { sessionSignedInAt } from '../session-age.ts';

export async function twoFactorRoutes(app: App, { ctx, guard, rateLimiter }: RouteDeps): Promise<void> {
  const route = guardedRoute(guard(['password']), 'two-factor');

  app.get(
    '/v2/users/me/2fa',
    route({
      summary: 'Whether two-factor sign-in is on, and how many recovery codes are left',
      response: {
        200: twoFactorStateObject,
        ...errorReplies(401, 403),
      },
    }),
    async (request) => {
      const { id } = accountOf(request);
      const { enabled, recoveryCodesLeft } = await twoFactorState(ctx, id);
      return {
        enabled,
        recovery_codes_left: recoveryCodesLeft,
        setup_pending: await isTwoFactorSetupPending(ctx, id),
      };
    },
  );

  app.post(
    '/v2/users/me/2fa/setup',
    route({
      summary:
        'Start enabling two-factor sign-in: a TOTP secret, the same until confirmed with /enable or cancelled',
      response: {
        200: twoFactorSetupObject,
        ...errorReplies(401, 403, 409),
      },
    }),
    async (request) => {
      const { secret, otpauthUri } = await setUpTwoFactor(ctx, accountOf(request));
      return { secret, otpauth_uri: otpauthUri };
    },
  );

  app.delete(
    '/v2/users/me/2fa/setup',
    route({
      summary: 'Cancel a setup that was not confirmed: the pending secret is forgotten (tokenhub extension)',
      response: noContentReplies(401, 403, 409),
    }),
    async (request, reply) => {
      await cancelTwoFactorSetup(ctx, accountOf(request));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/v2/users/me/2fa/enable',
    route({
      summary: 'Confirm with a code from the app; answers 10 single-use recovery codes, shown once',
      description:
        'Needs `password` unless the session signed in within the last 5 minutes (403 `RECENT_SIGN_IN_REQUIRED`), so a stolen session cannot enrol its own authenticator; a wrong password counts as a failed sign-in. `password` is a tokenhub extension.',
      body: twoFactorEnableBody,
      response: {
        200: recoveryCodesObject,
        ...errorReplies(400, 401, 403, 409, 429),
      },
    }),
    async (request) => {
      const user = accountOf(request);
      const meta = requestMeta(request);
      await requireRecentSignIn(ctx, rateLimiter, user, meta, {
        password: request.body.password,
        signedInAt: sessionSignedInAt(request),
      });
      return { recovery_codes: await enableTwoFactor(ctx, user, request.body.code, meta) };
    },
  );

  app.post(
    '/v2/users/me/2fa/disable',
    route({
      summary: 'Turn two-factor sign-in off (password and a current or recovery code)',
      description:
        'Wrong passwords and codes count as failed sign-ins (the same limits, 429 past them) and are audited.',
      body: twoFactorDisableBody,
      response: noContentReplies(400, 401, 403, 409, 429),
    }),
    async (request, reply) => {
      const user = accountOf(request);
      const meta = requestMeta(request);
      await reauthenticate(ctx, rateLimiter, user, meta, ['password', 'code'], () =>
        disableTwoFactor(ctx, user, request.body, meta),
      );
      return reply.status(204).send(null);
    },
  );
}
