import {
  type AdjustStrategy,
  InsufficientStockError,
  NotFoundError,
  nextStock,
  retryAdjustment,
  STALE_VERSION,
  type StockAdjustmentResult,
} from '@dal/core';
import { type EntityManager, IsolationLevel, LockMode, type MikroORM, raw } from '@mikro-orm/postgresql';
import { Product } from './entities';

async function findProduct(em: EntityManager, productId: number, lockMode?: LockMode): Promise<Product> {
  const product = await em.findOne(Product, productId, lockMode ? { lockMode } : {});
  if (!product) throw new NotFoundError('product', productId);
  return product;
}

/**
 * The entity loaded, its stock changed, the unit of work flushed: MikroORM writes the changed column as a
 * value (UPDATE ... SET stock = <value>). Inside em.transactional the flush happens before COMMIT.
 */
async function readModifyFlush(em: EntityManager, productId: number, delta: number, lockMode?: LockMode) {
  const product = await findProduct(em, productId, lockMode);
  product.stock = nextStock(productId, product.stock, delta);
  await em.flush();
  return product.stock;
}

export async function adjustStock(
  orm: MikroORM,
  productId: number,
  delta: number,
  strategy: AdjustStrategy,
): Promise<StockAdjustmentResult> {
  switch (strategy) {
    case 'read-modify-write':
      return { stock: await readModifyFlush(orm.em.fork(), productId, delta), attempts: 1 };
    case 'repeatable-read':
    case 'serializable':
      // a new fork (empty identity map) for each attempt; MikroORM begins the transaction at the level
      return retryAdjustment(productId, () =>
        orm.em.fork().transactional((em) => readModifyFlush(em, productId, delta), {
          isolationLevel:
            strategy === 'serializable' ? IsolationLevel.SERIALIZABLE : IsolationLevel.REPEATABLE_READ,
        }),
      );
    case 'atomic': {
      const em = orm.em.fork();
      // escape hatch: adjustStock/atomic: MikroORM's QueryBuilder has no increment: `stock + ?` is a raw value
      const [row] = await em
        .createQueryBuilder(Product)
        .update({ stock: raw('stock + ?', [delta]) })
        .where({ id: productId, stock: { $gte: -delta } })
        .returning(['stock'])
        .execute<Product[]>('all');
      if (row) return { stock: row.stock, attempts: 1 };
      // nothing matched: tell a missing product from too little stock
      const { stock } = await findProduct(em, productId);
      throw new InsufficientStockError(productId, -delta, stock);
    }
    case 'pessimistic':
      // MikroORM's lock modes stop at FOR UPDATE (PESSIMISTIC_WRITE); it has no FOR NO KEY UPDATE
      return {
        stock: await orm.em
          .fork()
          .transactional((em) => readModifyFlush(em, productId, delta, LockMode.PESSIMISTIC_WRITE)),
        attempts: 1,
      };
    case 'optimistic':
      // the product's version is not MikroORM's `version: true` (createOrder must not bump it), so the
      // compare-and-set is a nativeUpdate with the version read in its where
      return retryAdjustment(productId, async () => {
        const em = orm.em.fork();
        const { stock, version } = await findProduct(em, productId);
        const next = nextStock(productId, stock, delta);
        const updated = await em.nativeUpdate(
          Product,
          { id: productId, version },
          { stock: next, version: version + 1 },
        );
        return updated === 1 ? next : STALE_VERSION;
      });
  }
}
