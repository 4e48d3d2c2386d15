import { retryTransaction } from '@dal/core';
import type { Sql, TransactionSql } from './connection';

/**
 * Runs `fn` in `sql.begin`: postgres.js reserves one connection for the transaction, sends BEGIN, every
 * statement of `tx` on that connection, and COMMIT (ROLLBACK when `fn` throws). Retries the whole
 * transaction on serialization failure or deadlock (at most `attempts` times).
 */
export function withTransaction<T>(
  sql: Sql,
  fn: (tx: TransactionSql) => Promise<T>,
  attempts = 5,
): Promise<T> {
  return retryTransaction(() => sql.begin((tx) => fn(tx)) as Promise<T>, { attempts });
}
