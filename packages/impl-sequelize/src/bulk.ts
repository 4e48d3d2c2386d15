import { ALL_BULK_METHODS, type BulkMethod, chunks, type NewOrderItem } from '@dal/core';
import { copyOrderItems } from '@dal/core/copy';
import type pg from 'pg';
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { Models } from './models';
import { withTransaction } from './transaction';

export const SUPPORTED_BULK_METHODS: readonly BulkMethod[] = ALL_BULK_METHODS;

type Inserter = (sequelize: Sequelize, m: Models, t: Transaction, rows: NewOrderItem[]) => Promise<void>;

// `returning: false` everywhere: on PostgreSQL, create() and bulkCreate() default to
// `RETURNING "id", "order_id", ...` to copy the generated ids into the instances, which nobody reads here.

const methods: Record<BulkMethod, Inserter> = {
  async loop(_sequelize, m, t, rows) {
    for (const row of rows) await m.OrderItem.create(row, { transaction: t, returning: false });
  },
  async batch(_sequelize, m, t, rows) {
    // bulkCreate writes one multi-row INSERT of everything it is given (values inlined, escaped) and
    // does not chunk: the rows go in INSERT_CHUNK_ROWS at a time, one statement each
    for (const chunk of chunks(rows)) {
      await m.OrderItem.bulkCreate(chunk, { transaction: t, returning: false });
    }
  },
  async unnest(sequelize, _m, t, rows) {
    // escape hatch: insertOrderItems/unnest: Sequelize has no INSERT ... SELECT (bulkCreate only writes
    // VALUES lists); four array parameters whatever the row count: one statement, one plan
    await sequelize.query(
      `INSERT INTO order_items (order_id, product_id, quantity, unit_price_cents)
       SELECT * FROM unnest($1::int[], $2::int[], $3::int[], $4::int[])`,
      {
        bind: [
          rows.map((r) => r.orderId),
          rows.map((r) => r.productId),
          rows.map((r) => r.quantity),
          rows.map((r) => r.unitPriceCents),
        ],
        type: QueryTypes.INSERT,
        transaction: t,
      },
    );
  },
  async copy(_sequelize, _m, t, rows) {
    // escape hatch: insertOrderItems/copy: Sequelize has no COPY; a managed transaction holds its pg Client
    // as `t.connection` (not in the typings), so COPY FROM STDIN commits or rolls back with the transaction
    const client = (t as Transaction & { connection: pg.ClientBase }).connection;
    await copyOrderItems(client, rows);
  },
};

/** All or nothing: every method runs in one managed transaction. */
export async function insertOrderItems(
  sequelize: Sequelize,
  m: Models,
  rows: NewOrderItem[],
  method: BulkMethod,
): Promise<number> {
  await withTransaction(sequelize, (t) => methods[method](sequelize, m, t, rows));
  return rows.length;
}
