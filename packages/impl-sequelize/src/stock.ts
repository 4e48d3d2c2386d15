import {
  type AdjustStrategy,
  InsufficientStockError,
  NotFoundError,
  nextStock,
  retryAdjustment,
  STALE_VERSION,
  type StockAdjustmentResult,
} from '@dal/core';
import { Op, type Sequelize, Transaction } from 'sequelize';
import { isRetryableError } from './errors';
import type { Models } from './models';

async function findProduct(m: Models, productId: number, transaction?: Transaction, lock = false) {
  const product = await m.Product.findByPk(productId, {
    ...(transaction ? { transaction } : {}),
    ...(transaction && lock ? { lock: Transaction.LOCK.NO_KEY_UPDATE } : {}),
  });
  if (!product) throw new NotFoundError('product', productId);
  return product;
}

/** The instance read, its stock changed, save(): Sequelize writes the changed attribute as a value. */
async function readModifySave(
  m: Models,
  productId: number,
  delta: number,
  transaction?: Transaction,
  lock = false,
): Promise<number> {
  const product = await findProduct(m, productId, transaction, lock);
  product.stock = nextStock(productId, product.stock, delta);
  await product.save(transaction ? { transaction } : {});
  return product.stock;
}

export async function adjustStock(
  sequelize: Sequelize,
  m: Models,
  productId: number,
  delta: number,
  strategy: AdjustStrategy,
): Promise<StockAdjustmentResult> {
  switch (strategy) {
    case 'read-modify-write':
      return { stock: await readModifySave(m, productId, delta), attempts: 1 };
    case 'repeatable-read':
    case 'serializable':
      // Sequelize sends START TRANSACTION, then SET TRANSACTION ISOLATION LEVEL <level>
      return retryAdjustment(
        productId,
        () =>
          sequelize.transaction(
            {
              isolationLevel:
                strategy === 'serializable'
                  ? Transaction.ISOLATION_LEVELS.SERIALIZABLE
                  : Transaction.ISOLATION_LEVELS.REPEATABLE_READ,
            },
            (t) => readModifySave(m, productId, delta, t),
          ),
        { retryable: isRetryableError },
      );
    case 'atomic': {
      // increment() is one UPDATE ... SET "stock"="stock"+ <by> ... RETURNING * (returning is on by default in
      // PostgreSQL); it resolves to [[rows, count]], which its types do not say
      const [result] = (await m.Product.increment('stock', {
        by: delta,
        where: { id: productId, stock: { [Op.gte]: -delta } },
      })) as unknown as [[Array<{ stock: number }>, number]];
      const row = result?.[0]?.[0];
      if (row) return { stock: row.stock, attempts: 1 };
      // nothing matched: tell a missing product from too little stock
      const { stock } = await findProduct(m, productId);
      throw new InsufficientStockError(productId, -delta, stock);
    }
    case 'pessimistic':
      return {
        stock: await sequelize.transaction((t) => readModifySave(m, productId, delta, t, true)),
        attempts: 1,
      };
    case 'optimistic':
      // Sequelize's own `version: true` would also bump the version on createOrder's stock changes, which
      // must not: the compare-and-set is an update() with the version read in its where
      return retryAdjustment(
        productId,
        async () => {
          const { stock, version } = await findProduct(m, productId);
          const next = nextStock(productId, stock, delta);
          const [count] = await m.Product.update(
            { stock: next, version: version + 1 },
            { where: { id: productId, version } },
          );
          return count === 1 ? next : STALE_VERSION;
        },
        { retryable: isRetryableError },
      );
  }
}
