import {
  type AdjustStrategy,
  InsufficientStockError,
  NotFoundError,
  nextStock,
  retryAdjustment,
  STALE_VERSION,
  type StockAdjustmentResult,
} from '@dal/core';
import type pg from 'pg';
import { withTransaction } from './transaction';

type Queryable = pg.Pool | pg.PoolClient;

async function readStock(
  db: Queryable,
  productId: number,
  lock = '',
): Promise<{ stock: number; version: number }> {
  const { rows } = await db.query(`SELECT stock, version FROM products WHERE id = $1${lock}`, [productId]);
  if (!rows[0]) throw new NotFoundError('product', productId);
  return rows[0];
}

/** Read, add in code, write the value: the same statements at every isolation level. */
async function readModifyWrite(db: Queryable, productId: number, delta: number): Promise<number> {
  const { stock } = await readStock(db, productId);
  const next = nextStock(productId, stock, delta);
  await db.query('UPDATE products SET stock = $2 WHERE id = $1', [productId, next]);
  return next;
}

/** One transaction at `level` on one pooled client (BEGIN ISOLATION LEVEL ...), no retry of its own. */
async function inTransactionAt<T>(
  pool: pg.Pool,
  level: 'REPEATABLE READ' | 'SERIALIZABLE',
  fn: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query(`BEGIN ISOLATION LEVEL ${level}`);
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}

export async function adjustStock(
  pool: pg.Pool,
  productId: number,
  delta: number,
  strategy: AdjustStrategy,
): Promise<StockAdjustmentResult> {
  switch (strategy) {
    case 'read-modify-write':
      return { stock: await readModifyWrite(pool, productId, delta), attempts: 1 };
    case 'repeatable-read':
    case 'serializable': {
      const level = strategy === 'serializable' ? 'SERIALIZABLE' : 'REPEATABLE READ';
      return retryAdjustment(productId, () =>
        inTransactionAt(pool, level, (client) => readModifyWrite(client, productId, delta)),
      );
    }
    case 'atomic': {
      const { rows } = await pool.query(
        'UPDATE products SET stock = stock + $2 WHERE id = $1 AND stock + $2 >= 0 RETURNING stock',
        [productId, delta],
      );
      if (rows[0]) return { stock: rows[0].stock, attempts: 1 };
      // nothing matched: tell a missing product from too little stock
      const { stock } = await readStock(pool, productId);
      throw new InsufficientStockError(productId, -delta, stock);
    }
    case 'pessimistic': {
      const stock = await withTransaction(
        pool,
        async (client) => {
          const { stock } = await readStock(client, productId, ' FOR NO KEY UPDATE');
          const next = nextStock(productId, stock, delta);
          await client.query('UPDATE products SET stock = $2 WHERE id = $1', [productId, next]);
          return next;
        },
        1,
      );
      return { stock, attempts: 1 };
    }
    case 'optimistic':
      return retryAdjustment(productId, async () => {
        const { stock, version } = await readStock(pool, productId);
        const next = nextStock(productId, stock, delta);
        const { rowCount } = await pool.query(
          'UPDATE products SET stock = $2, version = version + 1 WHERE id = $1 AND version = $3',
          [productId, next, version],
        );
        return rowCount === 1 ? next : STALE_VERSION;
      });
  }
}
