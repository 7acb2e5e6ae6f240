/** TOTP enrolment, recovery codes and pending two-factor logins. */
import type { LoginChallenge, TotpEnrolment } from '../core/totp.ts';
import type { Db } from './database.ts';
import type { LoginChallengesTable } from './schema.ts';

export async function findUserTotp(db: Db, userId: string): Promise<TotpEnrolment | undefined> {
  const row = await db.selectFrom('user_totp').selectAll().where('user_id', '=', userId).executeTakeFirst();
  return (
    row && {
      userId: row.user_id,
      secretSealed: row.secret_sealed,
      pendingSecretSealed: row.pending_secret_sealed,
      enabledAt: row.enabled_at,
      // bigint: PostgreSQL answers it as a string.
      lastUsedStep: Number(row.last_used_step),
    }
  );
}

export async function savePendingTotp(db: Db, userId: string, sealed: string): Promise<void> {
  await db
    .insertInto('user_totp')
    .values({
      user_id: userId,
      pending_secret_sealed: sealed,
      secret_sealed: null,
      enabled_at: null,
      last_used_step: 0,
    })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ pending_secret_sealed: sealed }))
    .execute();
}

/** Forgets a pending secret that was never confirmed. */
export async function clearPendingTotp(db: Db, userId: string): Promise<void> {
  await db
    .updateTable('user_totp')
    .set({ pending_secret_sealed: null })
    .where('user_id', '=', userId)
    .where('enabled_at', 'is', null)
    .execute();
}

/** Turns the pending secret on and replaces the recovery codes, in the caller's transaction. */
export async function enableTotp(
  db: Db,
  userId: string,
  sealed: string,
  step: number,
  at: string,
  recoveryCodeHashes: ReadonlyArray<{ id: string; hash: string }>,
): Promise<void> {
  await db
    .updateTable('user_totp')
    .set({ secret_sealed: sealed, pending_secret_sealed: null, enabled_at: at, last_used_step: step })
    .where('user_id', '=', userId)
    .execute();
  await db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  if (recoveryCodeHashes.length > 0) {
    await db
      .insertInto('recovery_codes')
      .values(
        recoveryCodeHashes.map((code) => ({
          id: code.id,
          user_id: userId,
          code_hash: code.hash,
          used_at: null,
        })),
      )
      .execute();
  }
}

export async function disableTotp(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  await db.deleteFrom('user_totp').where('user_id', '=', userId).execute();
}

/**
 * Records that a TOTP step was used. Succeeds only when `step` is newer than the last one used, so
 * two concurrent logins with the same code cannot both pass.
 */
export async function claimTotpStep(db: Db, userId: string, step: number): Promise<boolean> {
  const result = await db
    .updateTable('user_totp')
    .set({ last_used_step: step })
    .where('user_id', '=', userId)
    .where('last_used_step', '<', step)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Marks an unused recovery code used; false when it is unknown or already used. */
export async function claimRecoveryCode(
  db: Db,
  userId: string,
  codeHash: string,
  at: string,
): Promise<boolean> {
  const result = await db
    .updateTable('recovery_codes')
    .set({ used_at: at })
    .where('user_id', '=', userId)
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function countUnusedRecoveryCodes(db: Db, userId: string): Promise<number> {
  const { total } = await db
    .selectFrom('recovery_codes')
    .select((eb) => eb.fn.countAll<string | number>().as('total'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(total);
}

function challengeFromRow(row: LoginChallengesTable): LoginChallenge {
  return {
    tokenHash: row.token_hash,
    userId: row.user_id,
    expiresAt: row.expires_at,
    attempts: row.attempts,
    createdAt: row.created_at,
  };
}

export async function insertLoginChallenge(db: Db, challenge: LoginChallenge): Promise<void> {
  await db
    .insertInto('login_challenges')
    .values({
      token_hash: challenge.tokenHash,
      user_id: challenge.userId,
      expires_at: challenge.expiresAt,
      attempts: challenge.attempts,
      created_at: challenge.createdAt,
    })
    .execute();
}

export async function findLoginChallenge(db: Db, tokenHash: string): Promise<LoginChallenge | undefined> {
  const row = await db
    .selectFrom('login_challenges')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
  return row && challengeFromRow(row);
}

/** Counts one attempt; returns the new count (0 when the challenge is gone). */
export async function countChallengeAttempt(db: Db, tokenHash: string): Promise<number> {
  await db
    .updateTable('login_challenges')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('token_hash', '=', tokenHash)
    .execute();
  return (await findLoginChallenge(db, tokenHash))?.attempts ?? 0;
}

/** Deletes a challenge; true when this call deleted it (single use under concurrency). */
export async function consumeLoginChallenge(db: Db, tokenHash: string): Promise<boolean> {
  const result = await db
    .deleteFrom('login_challenges')
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

export async function deleteExpiredLoginChallenges(db: Db, now: string): Promise<void> {
  await db.deleteFrom('login_challenges').where('expires_at', '<=', now).execute();
}
