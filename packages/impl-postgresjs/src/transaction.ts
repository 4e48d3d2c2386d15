import { retryTransaction, UnavailableError } from '@dal/core';
import type { Sql, TransactionSql } from './connection';

/**
 * Runs `fn` in `sql.begin`: postgres.js reserves one connection for the transaction, sends BEGIN, every
 * statement of `tx` on that connection, and COMMIT (ROLLBACK when `fn` throws). Retries the whole
 * transaction on serialization failure or deadlock (at most `attempts` times).
 */
export function withTransaction<T>(
  sql: Sql,
  acquireTimeoutMs: number,
  fn: (tx: TransactionSql) => Promise<T>,
  attempts = 5,
): Promise<T> {
  return retryTransaction(() => begin(sql, acquireTimeoutMs, fn), { attempts });
}

/**
 * sql.begin with a limit on the wait for a connection. postgres.js has no acquire timeout: a transaction
 * waits in its queue until a connection is free, however long that takes. When none came free (and
 * answered BEGIN) within `acquireTimeoutMs`, the call fails with UnavailableError, and the transaction,
 * should it start later, rolls back before running anything.
 */
function begin<T>(sql: Sql, acquireTimeoutMs: number, fn: (tx: TransactionSql) => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let abandoned = false;
    const timer = setTimeout(() => {
      abandoned = true;
      reject(new UnavailableError(`no connection came free within ${acquireTimeoutMs} ms`));
    }, acquireTimeoutMs);
    sql
      .begin((tx) => {
        clearTimeout(timer);
        if (abandoned) throw new Error('the caller stopped waiting for this transaction');
        return fn(tx);
      })
      .then(
        (result) => resolve(result as T),
        (error) => {
          clearTimeout(timer);
          if (!abandoned) reject(error);
        },
      );
  });
}
