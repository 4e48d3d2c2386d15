import {
  type AdjustStrategy,
  InsufficientStockError,
  NotFoundError,
  nextStock,
  retryAdjustment,
  STALE_VERSION,
  type StockAdjustmentResult,
} from '@dal/core';
import type { Knex } from 'knex';

async function readStock(db: Knex | Knex.Transaction, productId: number, lock = false) {
  const query = db('products').first('stock', 'version').where('id', productId);
  const row = await (lock ? query.forNoKeyUpdate() : query);
  if (!row) throw new NotFoundError('product', productId);
  return row;
}

async function readModifyWrite(
  db: Knex | Knex.Transaction,
  productId: number,
  delta: number,
  lock = false,
): Promise<number> {
  const { stock } = await readStock(db, productId, lock);
  const next = nextStock(productId, stock, delta);
  await db('products').where('id', productId).update({ stock: next });
  return next;
}

export async function adjustStock(
  db: Knex,
  productId: number,
  delta: number,
  strategy: AdjustStrategy,
): Promise<StockAdjustmentResult> {
  switch (strategy) {
    case 'read-modify-write':
      return { stock: await readModifyWrite(db, productId, delta), attempts: 1 };
    case 'repeatable-read':
    case 'serializable':
      // Knex sends BEGIN TRANSACTION ISOLATION LEVEL <level>
      return retryAdjustment(productId, () =>
        db.transaction((trx) => readModifyWrite(trx, productId, delta), {
          isolationLevel: strategy === 'serializable' ? 'serializable' : 'repeatable read',
        }),
      );
    case 'atomic': {
      const [row] = await db('products')
        .where('id', productId)
        .where('stock', '>=', -delta)
        .increment('stock', delta)
        .returning('stock');
      if (row) return { stock: row.stock, attempts: 1 };
      // nothing matched: tell a missing product from too little stock
      const { stock } = await readStock(db, productId);
      throw new InsufficientStockError(productId, -delta, stock);
    }
    case 'pessimistic':
      return {
        stock: await db.transaction((trx) => readModifyWrite(trx, productId, delta, true)),
        attempts: 1,
      };
    case 'optimistic':
      return retryAdjustment(productId, async () => {
        const { stock, version } = await readStock(db, productId);
        const next = nextStock(productId, stock, delta);
        // update() and increment() combine into one UPDATE ... SET stock = $1, version = version + 1
        const updated = await db('products')
          .where({ id: productId, version })
          .update({ stock: next })
          .increment('version', 1);
        return updated === 1 ? next : STALE_VERSION;
      });
  }
}
