import { isRetryable, retryTransaction } from '@dal/core';
import type { Sql, TransactionSql } from './connection';
import { isTerminatedSession } from './errors';

/** What postgres.js rejects a statement with when its connection is gone. */
const CONNECTION_LOST = new Set(['CONNECTION_CLOSED', 'CONNECTION_DESTROYED']);

/**
 * Runs `fn` in `sql.begin`: postgres.js reserves one connection for the transaction, sends BEGIN, every
 * statement of `tx` on that connection, and COMMIT (ROLLBACK when `fn` throws). Retries the whole
 * transaction on serialization failure or deadlock (at most `attempts` times), and when its BEGIN met the
 * stale FATAL error of a terminated session (see isTerminatedSession).
 *
 * postgres.js has no acquire timeout: when no connection came free (and answered BEGIN) within
 * `acquireTimeoutMs`, the call fails with `timedOut()`, and the transaction, should it start later, rolls
 * back before running anything.
 */
export function withTransaction<T>(
  sql: Sql,
  acquireTimeoutMs: number,
  timedOut: () => Error,
  fn: (tx: TransactionSql) => Promise<T>,
  attempts = 5,
  /** What sql.begin puts after BEGIN, e.g. 'isolation level serializable'. */
  beginOptions = '',
): Promise<T> {
  const attempt = () =>
    new Promise<T>((resolve, reject) => {
      let abandoned = false;
      const timer = setTimeout(() => {
        abandoned = true;
        reject(timedOut());
      }, acquireTimeoutMs);
      sql
        .begin(beginOptions, async (tx) => {
          clearTimeout(timer);
          if (abandoned) throw new Error('the caller stopped waiting for this transaction');
          try {
            return await fn(tx);
          } catch (error) {
            // The connection is gone (pg_terminate_backend, a restart): sql.begin has already rejected with
            // CONNECTION_CLOSED through its own close handler. Settling here would make it write ROLLBACK
            // to the closed socket, which postgres.js 3.4.9 does from a setImmediate that throws an uncaught
            // TypeError and leaves the connection stuck (porsager/postgres#1154, #1208): stay pending instead.
            if (CONNECTION_LOST.has((error as { code?: string }).code ?? ''))
              return new Promise<never>(() => {});
            throw error;
          }
        })
        .then(
          (result) => resolve(result as T),
          (error) => {
            clearTimeout(timer);
            if (!abandoned) reject(error);
          },
        );
    });
  return retryTransaction(attempt, {
    attempts,
    retryable: (error) => isRetryable(error) || isTerminatedSession(error),
  });
}
