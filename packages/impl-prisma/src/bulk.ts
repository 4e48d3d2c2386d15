import type { BulkMethod, NewOrderItem } from '@dal/core';
import type { PrismaClient } from '../generated/prisma/client';
import { type Tx, withTransaction } from './transaction';

/** COPY is not offered: Prisma has no COPY API, and the driver adapter's pool would bypass Prisma entirely. */
export const SUPPORTED_BULK_METHODS = ['loop', 'batch', 'unnest'] as const satisfies readonly BulkMethod[];
type SupportedMethod = (typeof SUPPORTED_BULK_METHODS)[number];

/**
 * Prisma splits a createMany itself once it exceeds 32,766 bind values (its PostgreSQL limit); 8,000 rows of
 * 4 values (32,000) keep each chunk one INSERT statement.
 */
const BATCH_ROWS = 8_000;

type Inserter = (tx: Tx, rows: NewOrderItem[]) => Promise<void>;

const methods: Record<SupportedMethod, Inserter> = {
  async loop(tx, rows) {
    for (const data of rows) await tx.orderItem.create({ data, select: { id: true } });
  },
  async batch(tx, rows) {
    for (let start = 0; start < rows.length; start += BATCH_ROWS) {
      await tx.orderItem.createMany({ data: rows.slice(start, start + BATCH_ROWS) });
    }
  },
  async unnest(tx, rows) {
    // escape hatch: insertOrderItems/unnest: Prisma has no INSERT ... SELECT FROM unnest(...) API (createMany binds every value)
    await tx.$executeRaw`INSERT INTO order_items (order_id, product_id, quantity, unit_price_cents)
      SELECT * FROM unnest(${rows.map((r) => r.orderId)}::int[], ${rows.map((r) => r.productId)}::int[],
                           ${rows.map((r) => r.quantity)}::int[], ${rows.map((r) => r.unitPriceCents)}::int[])`;
  },
};

/** All or nothing: every method runs in one interactive transaction. */
export async function insertOrderItems(
  prisma: PrismaClient,
  rows: NewOrderItem[],
  method: BulkMethod,
): Promise<number> {
  await withTransaction(prisma, (tx) => methods[method as SupportedMethod](tx, rows));
  return rows.length;
}
