import { retryTransaction } from '@dal/core';
import type { Db, Tx } from './db';

/**
 * Runs `fn` in `db.transaction`: Drizzle checks a client out of the pool, and every statement built on `tx`
 * goes through it. Retries the whole transaction on serialization failure or deadlock (at most `attempts`
 * times). An error thrown inside `fn` (a DalError) makes Drizzle roll back and is rethrown unchanged.
 */
export async function withTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>, attempts = 5): Promise<T> {
  return retryTransaction(() => db.transaction(fn), { attempts });
}
