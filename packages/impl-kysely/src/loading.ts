import { type LoadStrategy, type OrderDetails, type RecentOrdersQuery, stitchOrderDetails } from '@dal/core';
import type { Kysely } from 'kysely';
import { jsonArrayFrom, jsonObjectFrom } from 'kysely/helpers/postgres';
import type { Database } from './database';
import { ITEM_COLUMNS, ORDER_COLUMNS, toItem, toOrder } from './rows';

type Db = Kysely<Database>;
type Query = RecentOrdersQuery;

/** The newest orders, optionally of one customer: the first level of every strategy. */
function recentOrders(db: Db, query: Query) {
  return db
    .selectFrom('orders')
    .select(ORDER_COLUMNS)
    .$if(query.customerId !== undefined, (qb) => qb.where('customer_id', '=', query.customerId!))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(query.limit);
}

/** N+1 as it is usually written: one query per order for its customer and items, one per item for its product. */
async function naive(db: Db, query: Query): Promise<OrderDetails[]> {
  const orders = await recentOrders(db, query).execute();
  const result: OrderDetails[] = [];
  for (const order of orders) {
    const customer = await db
      .selectFrom('customers')
      .select(['id', 'email', 'name'])
      .where('id', '=', order.customer_id)
      .executeTakeFirstOrThrow();
    const items = await db
      .selectFrom('order_items')
      .select(ITEM_COLUMNS)
      .where('order_id', '=', order.id)
      .orderBy('id')
      .execute();
    const withProducts = [];
    for (const item of items) {
      const product = await db
        .selectFrom('products')
        .select(['id', 'sku', 'name'])
        .where('id', '=', item.product_id)
        .executeTakeFirstOrThrow();
      withProducts.push({ ...toItem(item), product });
    }
    result.push({ ...toOrder(order), customer, items: withProducts });
  }
  return result;
}

/** One query per relation level with `where('id', 'in', ids)`, stitched in memory. */
async function batched(db: Db, query: Query): Promise<OrderDetails[]> {
  const orders = await recentOrders(db, query).execute();
  if (orders.length === 0) return [];
  const orderIds = orders.map((o) => o.id);
  const customers = await db
    .selectFrom('customers')
    .select(['id', 'email', 'name'])
    .where('id', 'in', [...new Set(orders.map((o) => o.customer_id))])
    .execute();
  const items = await db
    .selectFrom('order_items')
    .select(ITEM_COLUMNS)
    .where('order_id', 'in', orderIds)
    .orderBy('id')
    .execute();
  const products =
    items.length === 0
      ? []
      : await db
          .selectFrom('products')
          .select(['id', 'sku', 'name'])
          .where('id', 'in', [...new Set(items.map((i) => i.product_id))])
          .execute();
  return stitchOrderDetails(orders.map(toOrder), customers, items.map(toItem), products);
}

/**
 * One statement: Kysely's Postgres JSON helpers nest the customer (jsonObjectFrom) and the items with their
 * products (jsonArrayFrom) as correlated subqueries of the page of orders.
 */
async function joined(db: Db, query: Query): Promise<OrderDetails[]> {
  const rows = await recentOrders(db, query)
    .select((eb) => [
      jsonObjectFrom(
        eb
          .selectFrom('customers')
          .select(['customers.id', 'customers.email', 'customers.name'])
          .whereRef('customers.id', '=', 'orders.customer_id'),
      )
        .$notNull()
        .as('customer'),
      // JSON keys are the column aliases, so they are the domain's camelCase names; only numbers and text
      // are nested (a timestamp would come back as a string inside JSON)
      jsonArrayFrom(
        eb
          .selectFrom('order_items')
          .select((eb) => [
            'order_items.id',
            'order_items.order_id as orderId',
            'order_items.product_id as productId',
            'order_items.quantity',
            'order_items.unit_price_cents as unitPriceCents',
            jsonObjectFrom(
              eb
                .selectFrom('products')
                .select(['products.id', 'products.sku', 'products.name'])
                .whereRef('products.id', '=', 'order_items.product_id'),
            )
              .$notNull()
              .as('product'),
          ])
          .whereRef('order_items.order_id', '=', 'orders.id')
          .orderBy('order_items.id'),
      ).as('items'),
    ])
    .execute();
  return rows.map((r) => ({ ...toOrder(r), customer: r.customer, items: r.items }));
}

const STRATEGIES = { naive, batched, joined } satisfies Record<LoadStrategy, unknown>;

export function loadOrderDetails(db: Db, query: Query, strategy: LoadStrategy): Promise<OrderDetails[]> {
  return STRATEGIES[strategy](db, query);
}
