import {
  type AdjustStrategy,
  InsufficientStockError,
  NotFoundError,
  nextStock,
  retryAdjustment,
  STALE_VERSION,
  type StockAdjustmentResult,
} from '@dal/core';
import { and, eq, gte } from 'drizzle-orm';
import type { Db, Tx } from './db';
import { plus, plusOne } from './expressions';
import { products } from './schema';

async function readStock(db: Db | Tx, productId: number, lock = false) {
  const query = db
    .select({ stock: products.stock, version: products.version })
    .from(products)
    .where(eq(products.id, productId));
  const [row] = await (lock ? query.for('no key update') : query);
  if (!row) throw new NotFoundError('product', productId);
  return row;
}

async function readModifyWrite(db: Db | Tx, productId: number, delta: number, lock = false): Promise<number> {
  const { stock } = await readStock(db, productId, lock);
  const next = nextStock(productId, stock, delta);
  await db.update(products).set({ stock: next }).where(eq(products.id, productId));
  return next;
}

export async function adjustStock(
  db: Db,
  productId: number,
  delta: number,
  strategy: AdjustStrategy,
): Promise<StockAdjustmentResult> {
  switch (strategy) {
    case 'read-modify-write':
      return { stock: await readModifyWrite(db, productId, delta), attempts: 1 };
    case 'repeatable-read':
    case 'serializable':
      // Drizzle sends begin isolation level <level>
      return retryAdjustment(productId, () =>
        db.transaction((tx) => readModifyWrite(tx, productId, delta), {
          isolationLevel: strategy === 'serializable' ? 'serializable' : 'repeatable read',
        }),
      );
    case 'atomic': {
      const [row] = await db
        .update(products)
        // escape hatch: adjustStock/atomic: Drizzle has no increment: sql`stock + ${delta}` inside .set()
        .set({ stock: plus(products.stock, delta) })
        .where(and(eq(products.id, productId), gte(products.stock, -delta)))
        .returning({ stock: products.stock });
      if (row) return { stock: row.stock, attempts: 1 };
      // nothing matched: tell a missing product from too little stock
      const { stock } = await readStock(db, productId);
      throw new InsufficientStockError(productId, -delta, stock);
    }
    case 'pessimistic':
      return {
        stock: await db.transaction((tx) => readModifyWrite(tx, productId, delta, true)),
        attempts: 1,
      };
    case 'optimistic':
      return retryAdjustment(productId, async () => {
        const { stock, version } = await readStock(db, productId);
        const next = nextStock(productId, stock, delta);
        const updated = await db
          .update(products)
          // escape hatch: adjustStock/optimistic: Drizzle has no increment: sql`version + 1` inside .set()
          .set({ stock: next, version: plusOne(products.version) })
          .where(and(eq(products.id, productId), eq(products.version, version)));
        return updated.rowCount === 1 ? next : STALE_VERSION;
      });
  }
}
