import {
  type AdjustStrategy,
  InsufficientStockError,
  NotFoundError,
  nextStock,
  retryAdjustment,
  STALE_VERSION,
  type StockAdjustmentResult,
} from '@dal/core';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './database';

type Db = Kysely<Database> | Transaction<Database>;

async function readStock(db: Db, productId: number, lock = false) {
  let query = db.selectFrom('products').select(['stock', 'version']).where('id', '=', productId);
  if (lock) query = query.forNoKeyUpdate();
  const row = await query.executeTakeFirst();
  if (!row) throw new NotFoundError('product', productId);
  return row;
}

async function readModifyWrite(db: Db, productId: number, delta: number, lock = false): Promise<number> {
  const { stock } = await readStock(db, productId, lock);
  const next = nextStock(productId, stock, delta);
  await db.updateTable('products').set({ stock: next }).where('id', '=', productId).execute();
  return next;
}

export async function adjustStock(
  db: Kysely<Database>,
  productId: number,
  delta: number,
  strategy: AdjustStrategy,
): Promise<StockAdjustmentResult> {
  switch (strategy) {
    case 'read-modify-write':
      return { stock: await readModifyWrite(db, productId, delta), attempts: 1 };
    case 'repeatable-read':
    case 'serializable':
      return retryAdjustment(productId, () =>
        db
          .transaction()
          .setIsolationLevel(strategy === 'serializable' ? 'serializable' : 'repeatable read')
          .execute((trx) => readModifyWrite(trx, productId, delta)),
      );
    case 'atomic': {
      const row = await db
        .updateTable('products')
        .set((eb) => ({ stock: eb('stock', '+', delta) }))
        .where('id', '=', productId)
        .where('stock', '>=', -delta)
        .returning('stock')
        .executeTakeFirst();
      if (row) return { stock: row.stock, attempts: 1 };
      // nothing matched: tell a missing product from too little stock
      const { stock } = await readStock(db, productId);
      throw new InsufficientStockError(productId, -delta, stock);
    }
    case 'pessimistic':
      return {
        stock: await db.transaction().execute((trx) => readModifyWrite(trx, productId, delta, true)),
        attempts: 1,
      };
    case 'optimistic':
      return retryAdjustment(productId, async () => {
        const { stock, version } = await readStock(db, productId);
        const next = nextStock(productId, stock, delta);
        const result = await db
          .updateTable('products')
          .set((eb) => ({ stock: next, version: eb('version', '+', 1) }))
          .where('id', '=', productId)
          .where('version', '=', version)
          .executeTakeFirst();
        return result.numUpdatedRows === 1n ? next : STALE_VERSION;
      });
  }
}
