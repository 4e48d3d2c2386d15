import { AsyncLocalStorage } from 'node:async_hooks';
import { retryTransaction } from '@dal/core';
import type { Kysely, PostgresPool, Transaction } from 'kysely';
import type pg from 'pg';
import type { Database } from './database';

type Trx = Transaction<Database>;

// Kysely keeps a transaction's pg client private. The pool handed to PostgresDialect notes, in the async
// context of withTransaction, which client it gave out: that is the client Kysely runs the transaction on.
const reserved = new AsyncLocalStorage<{ client?: pg.PoolClient }>();

/** The pg.Pool as Kysely's PostgresDialect sees it; withTransaction can then hand its client to COPY. */
export function transactionAwarePool(pool: pg.Pool): PostgresPool {
  return {
    async connect() {
      const client = await pool.connect();
      const slot = reserved.getStore();
      if (slot) slot.client = client;
      return client;
    },
    end: () => pool.end(),
  };
}

/**
 * Runs `fn` in `db.transaction()`: every statement goes through `trx`, and `client` is the pg client under
 * it, for what Kysely has no API for. Retries the whole transaction on serialization failure or deadlock
 * (at most `attempts` times).
 */
export async function withTransaction<T>(
  db: Kysely<Database>,
  fn: (trx: Trx, client: pg.PoolClient) => Promise<T>,
  attempts = 5,
): Promise<T> {
  return retryTransaction(
    () => {
      const slot: { client?: pg.PoolClient } = {};
      return reserved.run(slot, () =>
        db.transaction().execute((trx) => {
          if (!slot.client) throw new Error('the transaction did not take its connection from the pool');
          return fn(trx, slot.client);
        }),
      );
    },
    { attempts },
  );
}
