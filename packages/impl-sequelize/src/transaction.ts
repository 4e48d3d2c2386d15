import { retryTransaction } from '@dal/core';
import type { Sequelize, Transaction, TransactionOptions } from 'sequelize';
import { isRetryableError } from './errors';

/**
 * A managed transaction, `sequelize.transaction(options, async (t) => ...)`: Sequelize sends START
 * TRANSACTION, and COMMIT or ROLLBACK when `fn` settles. Without CLS nothing binds a query to `t` by itself:
 * every call inside `fn` passes `{ transaction: t }`, or it would run on another pooled connection outside
 * the transaction. Retries the whole transaction on serialization failure or deadlock.
 */
export function withTransaction<T>(
  sequelize: Sequelize,
  fn: (t: Transaction) => Promise<T>,
  options: TransactionOptions = {},
  attempts = 5,
): Promise<T> {
  return retryTransaction(() => sequelize.transaction(options, fn), {
    attempts,
    retryable: isRetryableError,
  });
}
