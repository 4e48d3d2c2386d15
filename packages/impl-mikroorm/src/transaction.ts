import { retryTransaction } from '@dal/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';

/**
 * Runs `fn` in `em.transactional` on a fresh fork: the EntityManager it receives is bound to the transaction
 * (one pooled connection) and flushes its unit of work before COMMIT, so every read and write of `fn` goes
 * through it. Retries the whole transaction, with a new fork and an empty identity map, on serialization
 * failure or deadlock.
 */
export function withTransaction<T>(
  orm: MikroORM,
  fn: (em: EntityManager) => Promise<T>,
  attempts = 5,
): Promise<T> {
  return retryTransaction(() => orm.em.fork().transactional(fn), { attempts });
}
