import {
  type AdjustStrategy,
  InsufficientStockError,
  NotFoundError,
  nextStock,
  retryAdjustment,
  STALE_VERSION,
  type StockAdjustmentResult,
} from '@dal/core';
import { type DataSource, type EntityManager, MoreThanOrEqual } from 'typeorm';
import { Product } from './entities';

async function readProduct(em: EntityManager, productId: number, lock = false): Promise<Product> {
  const product = await em.findOne(Product, {
    where: { id: productId },
    ...(lock ? { lock: { mode: 'for_no_key_update' as const } } : {}),
  });
  if (!product) throw new NotFoundError('product', productId);
  return product;
}

/** The entity read, the stock changed on the entity, the entity saved (TypeORM writes the changed column). */
async function readModifySave(
  em: EntityManager,
  productId: number,
  delta: number,
  lock = false,
): Promise<number> {
  const product = await readProduct(em, productId, lock);
  product.stock = nextStock(productId, product.stock, delta);
  await em.save(product);
  return product.stock;
}

export async function adjustStock(
  dataSource: DataSource,
  productId: number,
  delta: number,
  strategy: AdjustStrategy,
): Promise<StockAdjustmentResult> {
  const em = dataSource.manager;
  switch (strategy) {
    case 'read-modify-write':
      return { stock: await readModifySave(em, productId, delta), attempts: 1 };
    case 'repeatable-read':
    case 'serializable':
      // TypeORM sends START TRANSACTION, then SET TRANSACTION ISOLATION LEVEL <level>
      return retryAdjustment(productId, () =>
        dataSource.transaction(strategy === 'serializable' ? 'SERIALIZABLE' : 'REPEATABLE READ', (tx) =>
          readModifySave(tx, productId, delta),
        ),
      );
    case 'atomic': {
      // escape hatch: adjustStock/atomic: set() takes SQL text for an expression: () => 'stock + :delta'
      // (increment() returns no row, so the stock after this call's own change would need a second read)
      const { raw } = await em
        .createQueryBuilder()
        .update(Product)
        .set({ stock: () => 'stock + :delta' })
        .setParameter('delta', delta)
        .where({ id: productId, stock: MoreThanOrEqual(-delta) })
        .returning(['stock'])
        .execute();
      if (raw[0]) return { stock: raw[0].stock, attempts: 1 };
      // nothing matched: tell a missing product from too little stock
      const { stock } = await readProduct(em, productId);
      throw new InsufficientStockError(productId, -delta, stock);
    }
    case 'pessimistic':
      return {
        stock: await dataSource.transaction((tx) => readModifySave(tx, productId, delta, true)),
        attempts: 1,
      };
    case 'optimistic':
      // TypeORM's own optimistic lock mode only compares versions on read; the check is the UPDATE's WHERE
      return retryAdjustment(productId, async () => {
        const { stock, version } = await readProduct(em, productId);
        const next = nextStock(productId, stock, delta);
        const { affected } = await em.update(
          Product,
          { id: productId, version },
          { stock: next, version: version + 1 },
        );
        return affected === 1 ? next : STALE_VERSION;
      });
  }
}
