/**
 * Instance administrators (`users.is_admin`): everything in every namespace plus the registry
 * catalog. Only the operator grants or takes the right (`tokenhub admin set-admin`); there is no API
 * for it. Sessions re-read the account on every request, so a change applies at once.
 */
import { normalizeUsername, type User } from '../../core/account-rules.ts';
import { AppError } from '../../core/errors.ts';
import { inTransaction } from '../../storage/transaction.ts';
import { findUserByUsername, setUserAdmin } from '../../storage/user.repository.ts';
import { recordAudit } from '../shared/audit.service.ts';
import { isoNow, type RequestMeta, type ServiceContext } from '../shared/context.ts';

/**
 * Grants (`isAdmin` true) or revokes the instance administrator right, with an audit event on the
 * account. Setting the state it already has changes nothing and records nothing.
 * @returns the account as it was, and whether it changed.
 * @throws AppError USER_NOT_FOUND.
 */
export async function setInstanceAdmin(
  ctx: ServiceContext,
  rawUsername: string,
  isAdmin: boolean,
  actor: { id: string | null; name: string },
  meta: RequestMeta,
): Promise<{ user: User; changed: boolean }> {
  const username = normalizeUsername(rawUsername);
  const user = await findUserByUsername(ctx.db, username);
  if (!user) throw new AppError('USER_NOT_FOUND', `no user named ${username.slice(0, 64)}`);
  if (user.isAdmin === isAdmin) return { user, changed: false };
  await inTransaction(ctx.db, async (tx) => {
    await setUserAdmin(tx, user.id, isAdmin, isoNow(ctx));
    await recordAudit(
      { ...ctx, db: tx },
      {
        account: { id: user.id, name: user.username },
        action: 'account.admin.change',
        name: user.username,
        actor,
        meta,
        data: { is_admin: isAdmin },
      },
    );
  });
  return { user, changed: true };
}
