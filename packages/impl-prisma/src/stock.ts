import {
  type AdjustStrategy,
  InsufficientStockError,
  isRetryable,
  NotFoundError,
  nextStock,
  retryAdjustment,
  STALE_VERSION,
  type StockAdjustmentResult,
} from '@dal/core';
import { Prisma, type PrismaClient } from '../generated/prisma/client';
import { TRANSACTION_OPTIONS, type Tx } from './transaction';

async function readStock(db: PrismaClient | Tx, productId: number) {
  const row = await db.product.findUnique({
    where: { id: productId },
    select: { stock: true, version: true },
  });
  if (!row) throw new NotFoundError('product', productId);
  return row;
}

async function readModifyWrite(db: PrismaClient | Tx, productId: number, delta: number): Promise<number> {
  const { stock } = await readStock(db, productId);
  const next = nextStock(productId, stock, delta);
  await db.product.update({ where: { id: productId }, data: { stock: next }, select: { id: true } });
  return next;
}

/**
 * A serialization failure as Prisma reports it: P2034, or (a failure at COMMIT of an interactive transaction)
 * the driver adapter's error of kind TransactionWriteConflict, which carries no SQLSTATE.
 */
function isWriteConflict(error: unknown): boolean {
  if (isRetryable(error)) return true;
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const e = current as { kind?: unknown; cause?: unknown; meta?: { driverAdapterError?: unknown } };
    if (e.kind === 'TransactionWriteConflict') return true;
    current = e.meta?.driverAdapterError ?? e.cause;
  }
  return false;
}

/** Prisma's "no record matched the where of update()". */
const isRecordNotFound = (error: unknown) =>
  error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2025';

export async function adjustStock(
  prisma: PrismaClient,
  productId: number,
  delta: number,
  strategy: AdjustStrategy,
): Promise<StockAdjustmentResult> {
  switch (strategy) {
    case 'read-modify-write':
      return { stock: await readModifyWrite(prisma, productId, delta), attempts: 1 };
    case 'repeatable-read':
    case 'serializable':
      // Prisma sends SET TRANSACTION ISOLATION LEVEL <level> after BEGIN
      return retryAdjustment(
        productId,
        () =>
          prisma.$transaction((tx) => readModifyWrite(tx, productId, delta), {
            ...TRANSACTION_OPTIONS,
            isolationLevel:
              strategy === 'serializable'
                ? Prisma.TransactionIsolationLevel.Serializable
                : Prisma.TransactionIsolationLevel.RepeatableRead,
          }),
        { retryable: isWriteConflict },
      );
    case 'atomic':
      try {
        const { stock } = await prisma.product.update({
          where: { id: productId, stock: { gte: -delta } },
          data: { stock: { increment: delta } },
          select: { stock: true },
        });
        return { stock, attempts: 1 };
      } catch (error) {
        if (!isRecordNotFound(error)) throw error;
        // nothing matched: tell a missing product from too little stock
        const { stock } = await readStock(prisma, productId);
        throw new InsufficientStockError(productId, -delta, stock);
      }
    case 'pessimistic': {
      const stock = await prisma.$transaction(async (tx) => {
        // escape hatch: adjustStock/pessimistic: Prisma has no row-lock API: SELECT ... FOR NO KEY UPDATE is a $queryRaw
        const [row] = await tx.$queryRaw<{ stock: number }[]>`
          SELECT stock FROM products WHERE id = ${productId} FOR NO KEY UPDATE`;
        if (!row) throw new NotFoundError('product', productId);
        const next = nextStock(productId, row.stock, delta);
        await tx.product.update({ where: { id: productId }, data: { stock: next }, select: { id: true } });
        return next;
      }, TRANSACTION_OPTIONS);
      return { stock, attempts: 1 };
    }
    case 'optimistic':
      return retryAdjustment(productId, async () => {
        const { stock, version } = await readStock(prisma, productId);
        const next = nextStock(productId, stock, delta);
        const { count } = await prisma.product.updateMany({
          where: { id: productId, version },
          data: { stock: next, version: { increment: 1 } },
        });
        return count === 1 ? next : STALE_VERSION;
      });
  }
}
