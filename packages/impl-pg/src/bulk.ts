import { ALL_BULK_METHODS, type BulkMethod, INSERT_CHUNK_ROWS, type NewOrderItem } from '@dal/core';
import { copyOrderItems } from '@dal/core/copy';
import type pg from 'pg';
import { withTransaction } from './transaction';

export const SUPPORTED_BULK_METHODS = ALL_BULK_METHODS;

const BATCH_ROWS = INSERT_CHUNK_ROWS;
const INSERT = 'INSERT INTO order_items (order_id, product_id, quantity, unit_price_cents)';

type Inserter = (client: pg.PoolClient, rows: NewOrderItem[]) => Promise<void>;

const methods: Record<BulkMethod, Inserter> = {
  async loop(client, rows) {
    for (const r of rows) {
      await client.query(`${INSERT} VALUES ($1, $2, $3, $4)`, [
        r.orderId,
        r.productId,
        r.quantity,
        r.unitPriceCents,
      ]);
    }
  },
  async batch(client, rows) {
    for (let start = 0; start < rows.length; start += BATCH_ROWS) {
      const params: number[] = [];
      const values = rows
        .slice(start, start + BATCH_ROWS)
        .map(
          (r) =>
            `($${params.push(r.orderId)}, $${params.push(r.productId)}, $${params.push(r.quantity)}, $${params.push(r.unitPriceCents)})`,
        );
      await client.query(`${INSERT} VALUES ${values.join(', ')}`, params);
    }
  },
  async unnest(client, rows) {
    // four array parameters whatever the row count: one statement, one plan
    await client.query(`${INSERT} SELECT * FROM unnest($1::int[], $2::int[], $3::int[], $4::int[])`, [
      rows.map((r) => r.orderId),
      rows.map((r) => r.productId),
      rows.map((r) => r.quantity),
      rows.map((r) => r.unitPriceCents),
    ]);
  },
  async copy(client, rows) {
    await copyOrderItems(client, rows);
  },
};

/** All or nothing: every method runs in one transaction. */
export async function insertOrderItems(
  pool: pg.Pool,
  rows: NewOrderItem[],
  method: BulkMethod,
): Promise<number> {
  await withTransaction(pool, (client) => methods[method](client, rows));
  return rows.length;
}
