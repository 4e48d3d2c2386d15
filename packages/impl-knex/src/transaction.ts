import { retryTransaction } from '@dal/core';
import type { Knex } from 'knex';

/**
 * Runs `fn` in `db.transaction`: Knex holds one pooled connection for the transaction, and every statement
 * of `fn` must go through `trx` (a statement on `db` inside would wait for a second connection, and with a
 * small pool the transactions holding them all would wait on each other for ever). Knex rolls back when
 * `fn` rejects; the whole transaction is retried on serialization failure or deadlock (at most `attempts`).
 */
export async function withTransaction<T>(
  db: Knex,
  fn: (trx: Knex.Transaction) => Promise<T>,
  attempts = 5,
): Promise<T> {
  return retryTransaction(() => db.transaction(fn), { attempts });
}
