import { ALL_BULK_METHODS, type BulkMethod, INSERT_CHUNK_ROWS, type NewOrderItem } from '@dal/core';
import { copyOrderItems } from '@dal/core/copy';
import type pg from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import { OrderItem } from './entities';
import { withTransaction } from './transaction';

export const SUPPORTED_BULK_METHODS = ALL_BULK_METHODS;

/** TypeORM does not chunk a multi-row insert itself. */
const BATCH_ROWS = INSERT_CHUNK_ROWS;

/**
 * TypeORM's multi-row INSERT. updateEntity(false) drops the `RETURNING "id"` that insert() adds to copy
 * generated ids back into the row objects, which nobody reads here.
 */
const insertItems = (em: EntityManager, rows: NewOrderItem | NewOrderItem[]) =>
  em.createQueryBuilder().insert().into(OrderItem).values(rows).updateEntity(false).execute();

type Inserter = (em: EntityManager, rows: NewOrderItem[]) => Promise<void>;

const methods: Record<BulkMethod, Inserter> = {
  async loop(em, rows) {
    for (const row of rows) await insertItems(em, row);
  },
  async batch(em, rows) {
    for (let start = 0; start < rows.length; start += BATCH_ROWS) {
      await insertItems(em, rows.slice(start, start + BATCH_ROWS));
    }
  },
  async unnest(em, rows) {
    // escape hatch: insertOrderItems/unnest: a QueryBuilder from() takes an entity, a table or a subquery, not unnest(...); four array
    // parameters whatever the row count: one statement, one plan
    await em.query(
      `INSERT INTO order_items (order_id, product_id, quantity, unit_price_cents)
       SELECT * FROM unnest($1::int[], $2::int[], $3::int[], $4::int[])`,
      [
        rows.map((r) => r.orderId),
        rows.map((r) => r.productId),
        rows.map((r) => r.quantity),
        rows.map((r) => r.unitPriceCents),
      ],
    );
  },
  async copy(em, rows) {
    // escape hatch: insertOrderItems/copy: TypeORM has no COPY; the transaction's QueryRunner hands out its pg client, so the COPY
    // runs inside the same transaction
    const client = (await em.queryRunner!.connect()) as pg.PoolClient;
    await copyOrderItems(client, rows);
  },
};

/** All or nothing: every method runs in one transaction. */
export async function insertOrderItems(
  dataSource: DataSource,
  rows: NewOrderItem[],
  method: BulkMethod,
): Promise<number> {
  await withTransaction(dataSource, (em) => methods[method](em, rows));
  return rows.length;
}
