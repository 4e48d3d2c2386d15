import { ALL_BULK_METHODS, type BulkMethod, INSERT_CHUNK_ROWS, type NewOrderItem } from '@dal/core';
import { copyOrderItems } from '@dal/core/copy';
import type { Knex } from 'knex';
import type pg from 'pg';
import { withTransaction } from './transaction';

export const SUPPORTED_BULK_METHODS = ALL_BULK_METHODS;

const BATCH_ROWS = INSERT_CHUNK_ROWS;

const toRow = (r: NewOrderItem) => ({
  order_id: r.orderId,
  product_id: r.productId,
  quantity: r.quantity,
  unit_price_cents: r.unitPriceCents,
});

type Inserter = (trx: Knex.Transaction, rows: NewOrderItem[], db: Knex) => Promise<void>;

const methods: Record<BulkMethod, Inserter> = {
  async loop(trx, rows) {
    for (const r of rows) await trx('order_items').insert(toRow(r));
  },
  async batch(trx, rows, db) {
    // batchInsert on the root instance with .transacting(trx): called on `trx` itself it would open a
    // nested transaction (a SAVEPOINT per call); without .transacting it opens a transaction of its own
    await db.batchInsert('order_items', rows.map(toRow), BATCH_ROWS).transacting(trx);
  },
  async unnest(trx, rows) {
    // escape hatch: insertOrderItems/unnest: Knex has no unnest API, and .insert(subquery) cannot name the target columns
    await trx.raw(
      `INSERT INTO order_items (order_id, product_id, quantity, unit_price_cents)
       SELECT * FROM unnest(?::int[], ?::int[], ?::int[], ?::int[])`,
      [
        rows.map((r) => r.orderId),
        rows.map((r) => r.productId),
        rows.map((r) => r.quantity),
        rows.map((r) => r.unitPriceCents),
      ],
    );
  },
  async copy(trx, rows) {
    // escape hatch: insertOrderItems/copy: Knex has no COPY API. The transaction client hands out the connection the transaction
    // runs on (Knex's own internals use acquireConnection the same way), so the COPY is part of `trx`.
    const connection: pg.Client = await trx.client.acquireConnection();
    await copyOrderItems(connection, rows);
  },
};

/** All or nothing: every method runs in one transaction. */
export async function insertOrderItems(db: Knex, rows: NewOrderItem[], method: BulkMethod): Promise<number> {
  await withTransaction(db, (trx) => methods[method](trx, rows, db));
  return rows.length;
}
