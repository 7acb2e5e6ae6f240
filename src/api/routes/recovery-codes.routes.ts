/**
 * `POST /v2/users/me/2fa/recovery-codes {password, code}` (password session; tokenhub extension):
 * ten new recovery codes, shown once; the old ones stop working. A wrong password or code counts
 * as a failed sign-in (the same limits, 429 past them) and is audited.
 */
import { reauthenticate } from '../../services/sign-in/reauthentication.ts';
import { regenerateRecoveryCodes } from '../../services/sign-in/two-factor-recovery.service.ts';
import type { App, RouteDeps } from '../app.ts';
import { accountOf } from '../auth.ts';
import { recoveryCodesObject, twoFactorDisableBody } from '../contract/accounts.contract.ts';
import { errorReplies } from '../contract/common.contract.ts';
import { requestMeta } from '../request-meta.ts';
import { guardedRoute } from '../route-options.ts';

export async function recoveryCodeRoutes(app: App, { ctx, guard, rateLimiter }: RouteDeps): Promise<void> {
  const route = guardedRoute(guard(['password']), 'two-factor');
  app.post(
    '/v2/users/me/2fa/recovery-codes',
    route({
      summary:
        'Regenerate the recovery codes (password and a current code); the old ones stop working (tokenhub extension)',
      body: twoFactorDisableBody,
      response: { 200: recoveryCodesObject, ...errorReplies(400, 401, 403, 409, 429) },
    }),
    async (request, reply) => {
      const user = accountOf(request);
      const meta = requestMeta(request);
      const codes = await reauthenticate(ctx, rateLimiter, user, meta, ['password', 'code'], () =>
        regenerateRecoveryCodes(ctx, user, request.body, meta),
      );
      return reply.header('cache-control', 'no-store').send({ recovery_codes: codes });
    },
  );
}
