import {
  type AdjustStrategy,
  InsufficientStockError,
  NotFoundError,
  nextStock,
  retryAdjustment,
  STALE_VERSION,
  type StockAdjustmentResult,
} from '@dal/core';
import type postgres from 'postgres';
import type { Pool, Queryable } from './connection';

/** Sends the statement `build` makes, through the pool or in a transaction. */
type Send = <T extends readonly postgres.MaybeRow[]>(
  build: (sql: Queryable) => postgres.PendingQuery<T>,
) => Promise<postgres.RowList<T>>;

type StockRow = { stock: number; version: number };

async function readStock(send: Send, productId: number, lock = false): Promise<StockRow> {
  const [row] = await send(
    (sql) => sql<StockRow[]>`SELECT stock, version FROM products WHERE id = ${productId}
      ${lock ? sql`FOR NO KEY UPDATE` : sql``}`,
  );
  if (!row) throw new NotFoundError('product', productId);
  return row;
}

/** Read, add in code, write the value: the same statements at every isolation level. */
async function readModifyWrite(send: Send, productId: number, delta: number): Promise<number> {
  const { stock } = await readStock(send, productId);
  const next = nextStock(productId, stock, delta);
  await send((sql) => sql`UPDATE products SET stock = ${next} WHERE id = ${productId}`);
  return next;
}

export async function adjustStock(
  pool: Pool,
  productId: number,
  delta: number,
  strategy: AdjustStrategy,
): Promise<StockAdjustmentResult> {
  const onPool: Send = (build) => pool.run(() => build(pool.sql));
  const inTransaction =
    (tx: postgres.TransactionSql<Record<string, unknown>> | Queryable): Send =>
    (build) =>
      build(tx as Queryable);
  switch (strategy) {
    case 'read-modify-write':
      return { stock: await readModifyWrite(onPool, productId, delta), attempts: 1 };
    case 'repeatable-read':
    case 'serializable': {
      // sql.begin's first argument opens the transaction: BEGIN ISOLATION LEVEL ...
      const isolation =
        strategy === 'serializable' ? 'isolation level serializable' : 'isolation level repeatable read';
      return retryAdjustment(productId, () =>
        pool.transaction((tx) => readModifyWrite(inTransaction(tx), productId, delta), {
          begin: isolation,
          attempts: 1,
        }),
      );
    }
    case 'atomic': {
      const [row] = await onPool(
        (sql) => sql<{ stock: number }[]>`UPDATE products SET stock = stock + ${delta}
          WHERE id = ${productId} AND stock + ${delta} >= 0 RETURNING stock`,
      );
      if (row) return { stock: row.stock, attempts: 1 };
      // nothing matched: tell a missing product from too little stock
      const { stock } = await readStock(onPool, productId);
      throw new InsufficientStockError(productId, -delta, stock);
    }
    case 'pessimistic': {
      const stock = await pool.transaction(
        async (tx) => {
          const send = inTransaction(tx);
          const { stock } = await readStock(send, productId, true);
          const next = nextStock(productId, stock, delta);
          await send((sql) => sql`UPDATE products SET stock = ${next} WHERE id = ${productId}`);
          return next;
        },
        { attempts: 1 },
      );
      return { stock, attempts: 1 };
    }
    case 'optimistic':
      return retryAdjustment(productId, async () => {
        const { stock, version } = await readStock(onPool, productId);
        const next = nextStock(productId, stock, delta);
        const { count } = await onPool(
          (sql) => sql`UPDATE products SET stock = ${next}, version = version + 1
            WHERE id = ${productId} AND version = ${version}`,
        );
        return count === 1 ? next : STALE_VERSION;
      });
  }
}
