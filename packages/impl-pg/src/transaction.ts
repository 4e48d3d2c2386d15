import { retryTransaction } from '@dal/core';
import type pg from 'pg';

/**
 * Runs `fn` in a transaction on one pooled client: every statement of the transaction goes through that
 * client. Retries the whole transaction on serialization failure or deadlock (at most `attempts` times).
 */
export async function withTransaction<T>(
  pool: pg.Pool,
  fn: (client: pg.PoolClient) => Promise<T>,
  attempts = 5,
): Promise<T> {
  return retryTransaction(
    async () => {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        const result = await fn(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        throw error;
      } finally {
        // a client that cannot even roll back is discarded, not handed to the next caller
        client.release(broken);
      }
    },
    { attempts },
  );
}
