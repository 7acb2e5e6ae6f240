/**
 * Two-factor sign-in management (password session only): `POST /v2/users/me/2fa/setup` →
 * `{secret, otpauth_uri}` (the same pending secret until it is confirmed or cancelled with
 * `DELETE /v2/users/me/2fa/setup`); `POST /v2/users/me/2fa/enable {code}` → `{recovery_codes}` (shown once);
 * `POST /v2/users/me/2fa/disable {password, code}` → 204. `GET /v2/users/me/2fa` tells the state.
 */
import { Type } from 'typebox';
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
  twoFactorCode,
  twoFactorDisableBody,
  twoFactorSetupObject,
  twoFactorStateObject,
} from '../contract/accounts.contract.ts';
import { errorReplies, noContentReplies } from '../contract/common.contract.ts';
import { requestMeta } from '../request-meta.ts';
import { guardedRoute } from '../route-options.ts';

export async function twoFactorRoutes(app: App, { ctx, guard }: RouteDeps): Promise<void> {
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
      body: Type.Object({ code: twoFactorCode }),
      response: {
        200: recoveryCodesObject,
        ...errorReplies(400, 401, 403, 409),
      },
    }),
    async (request) => ({
      recovery_codes: await enableTwoFactor(ctx, accountOf(request), request.body.code, requestMeta(request)),
    }),
  );

  app.post(
    '/v2/users/me/2fa/disable',
    route({
      summary: 'Turn two-factor sign-in off (password and a current or recovery code)',
      body: twoFactorDisableBody,
      response: noContentReplies(400, 401, 403, 409),
    }),
    async (request, reply) => {
      await disableTwoFactor(ctx, accountOf(request), request.body, requestMeta(request));
      return reply.status(204).send(null);
    },
  );
}
