/**
 * The one way to run a transaction. `work` may run more than once: PostgreSQL may abort a
 * transaction that collided with another (a serialization failure, 40001, or a deadlock, 40P01)
 * and asks for it to be run again, which this does up to `maxAttempts` times after a short,
 * jittered pause. So `work` does nothing but storage calls on `tx`: no network call, no password
 * hashing, no side effect that a second run would repeat (prepare those before, act after).
 *
 * On SQLite a transaction holds the write lock from its first statement (sqlite-driver.ts), and
 * waiting for that lock is the driver's business; nothing here is SQLite-specific.
 *
 * @example
 *   await inTransaction(ctx.db, async (tx) => {
 *     if (!(await lockOrganization(tx, org.id))) throw new AppError('ORG_NOT_FOUND');
 *     await insertAccessToken(tx, token, secretHash);
 *   });
 */
import { type Db, dialectOf } from './database.ts';
import { isTransactionConflict } from './store-faults.ts';

const maxAttempts = 5;

export interface TransactionOptions {
  /**
   * A consistent snapshot that writes nothing (an export): PostgreSQL `repeatable read, read only`;
   * on SQLite a deferred transaction, which takes no write lock, so writers are not held up.
   */
  readOnlySnapshot?: boolean;
}

export async function inTransaction<T>(
  db: Db,
  work: (tx: Db) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const builder = !options.readOnlySnapshot
      ? db.transaction()
      : dialectOf(db) === 'postgres'
        ? db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only')
        : db.transaction().setAccessMode('read only');
    try {
      return await builder.execute(work);
    } catch (error) {
      if (attempt >= maxAttempts || !isTransactionConflict(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 * attempt * (0.5 + Math.random())));
    }
  }
}
