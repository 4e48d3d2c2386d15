import { ALL_BULK_METHODS, type BulkMethod, INSERT_CHUNK_ROWS, type NewOrderItem } from '@dal/core';
import { copyOrderItems } from '@dal/core/copy';
import { type Insertable, type Kysely, sql, type Transaction } from 'kysely';
import type pg from 'pg';
import type { Database, OrderItemsTable } from './database';
import { withTransaction } from './transaction';

export const SUPPORTED_BULK_METHODS = ALL_BULK_METHODS;

const BATCH_ROWS = INSERT_CHUNK_ROWS;

const toRow = (r: NewOrderItem): Insertable<OrderItemsTable> => ({
  order_id: r.orderId,
  product_id: r.productId,
  quantity: r.quantity,
  unit_price_cents: r.unitPriceCents,
});

type Inserter = (trx: Transaction<Database>, rows: NewOrderItem[], client: pg.PoolClient) => Promise<void>;

const methods: Record<BulkMethod, Inserter> = {
  async loop(trx, rows) {
    for (const r of rows) await trx.insertInto('order_items').values(toRow(r)).execute();
  },
  async batch(trx, rows) {
    for (let start = 0; start < rows.length; start += BATCH_ROWS) {
      await trx
        .insertInto('order_items')
        .values(rows.slice(start, start + BATCH_ROWS).map(toRow))
        .execute();
    }
  },
  async unnest(trx, rows) {
    // escape hatch: insertOrderItems/unnest: Kysely has no unnest() or typed-array parameter API; its sql template is the documented
    // way. Four array parameters whatever the row count: one statement, one plan.
    await trx
      .insertInto('order_items')
      .columns(['order_id', 'product_id', 'quantity', 'unit_price_cents'])
      .expression(
        sql`SELECT * FROM unnest(${rows.map((r) => r.orderId)}::int[], ${rows.map((r) => r.productId)}::int[],
                                 ${rows.map((r) => r.quantity)}::int[], ${rows.map((r) => r.unitPriceCents)}::int[])`,
      )
      .execute();
  },
  async copy(_trx, rows, client) {
    // escape hatch: insertOrderItems/copy: Kysely has no COPY API; COPY FROM STDIN streams through pg-copy-streams on the pg client
    // that runs this Kysely transaction, so it commits or rolls back with it.
    await copyOrderItems(client, rows);
  },
};

/** All or nothing: every method runs in one transaction. */
export async function insertOrderItems(
  db: Kysely<Database>,
  rows: NewOrderItem[],
  method: BulkMethod,
): Promise<number> {
  await withTransaction(db, (trx, client) => methods[method](trx, rows, client));
  return rows.length;
}
