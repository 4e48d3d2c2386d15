import { type BulkMethod, chunks, type NewOrderItem } from '@dal/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { OrderItem } from './entities';
import { withTransaction } from './transaction';

/** No COPY: MikroORM exposes its transaction as a knex Transaction, with no public way to its pg client. */
export const SUPPORTED_BULK_METHODS: readonly BulkMethod[] = ['loop', 'batch', 'unnest'];

/** The relations as references by id: no entity is loaded to insert a row. */
const itemData = (r: NewOrderItem) => ({
  order: r.orderId,
  product: r.productId,
  quantity: r.quantity,
  unitPriceCents: r.unitPriceCents,
});

type Inserter = (em: EntityManager, rows: NewOrderItem[]) => Promise<void>;

const methods: Record<Exclude<BulkMethod, 'copy'>, Inserter> = {
  async loop(em, rows) {
    // em.insert() sends its INSERT at once; em.persist() per row and one flush would batch them all into
    // one multi-row INSERT (the unit of work's batching), which is `batch`, not a loop
    for (const row of rows) await em.insert(OrderItem, itemData(row));
  },
  async batch(em, rows) {
    // INSERT_CHUNK_ROWS (10,000) rows a statement: MikroORM inlines the values into the SQL text, so no
    // bind-parameter limit applies, but every library sends the same statements
    for (const chunk of chunks(rows)) await em.insertMany(OrderItem, chunk.map(itemData));
  },
  async unnest(em, rows) {
    // escape hatch: insertOrderItems/unnest: neither the QueryBuilder nor insertMany can select from
    // unnest(...); MikroORM inlines an array parameter as a list, so each column is ARRAY[?]::int[]
    await em.execute(
      `INSERT INTO order_items (order_id, product_id, quantity, unit_price_cents)
       SELECT * FROM unnest(ARRAY[?]::int[], ARRAY[?]::int[], ARRAY[?]::int[], ARRAY[?]::int[])`,
      [
        rows.map((r) => r.orderId),
        rows.map((r) => r.productId),
        rows.map((r) => r.quantity),
        rows.map((r) => r.unitPriceCents),
      ],
    );
  },
};

/** All or nothing: every method runs in one transaction. */
export async function insertOrderItems(
  orm: MikroORM,
  rows: NewOrderItem[],
  method: BulkMethod,
): Promise<number> {
  const insert = methods[method as Exclude<BulkMethod, 'copy'>];
  await withTransaction(orm, (em) => insert(em, rows));
  return rows.length;
}
