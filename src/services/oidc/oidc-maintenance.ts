/** Housekeeping of OIDC connections: exchanged tokens and remembered `jti` values past their expiry. */
import { deleteExpiredOidcRows } from '../../storage/oidc-token.repository.ts';
import type { MaintenanceTask } from '../shared/maintenance.ts';

export const expiredOidcTokens: MaintenanceTask = async (ctx) => {
  const deleted = await deleteExpiredOidcRows(ctx.db, ctx.clock.now().toISOString());
  if (deleted > 0) ctx.log.debug({ deleted }, 'expired OIDC tokens and jti values deleted');
};
