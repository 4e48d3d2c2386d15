import { isRetryable } from '@dal/core';
import type { Db, Tx } from './db';

/**
 * Runs `fn` in `db.transaction`: Drizzle checks a client out of the pool, and every statement built on `tx`
 * goes through it. Retries the whole transaction on serialization failure or deadlock (at most `attempts`
 * times). An error thrown inside `fn` (a DalError) makes Drizzle roll back and is rethrown unchanged.
 */
export async function withTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(fn);
    } catch (error) {
      if (attempt < attempts && isRetryable(error)) continue;
      throw error;
    }
  }
}
