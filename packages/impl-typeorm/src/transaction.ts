import { retryTransaction } from '@dal/core';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * Runs `fn` in `dataSource.transaction`: the EntityManager it receives is bound to the transaction's own
 * QueryRunner (one pooled connection), so every statement of `fn` must go through it, never through
 * `dataSource.manager`. Retries the whole transaction on serialization failure or deadlock.
 */
export async function withTransaction<T>(
  dataSource: DataSource,
  fn: (em: EntityManager) => Promise<T>,
  attempts = 5,
): Promise<T> {
  return retryTransaction(() => dataSource.transaction(fn), { attempts });
}
