import { type LoadStrategy, type OrderDetails, type RecentOrdersQuery, stitchOrderDetails } from '@dal/core';
import type { Knex } from 'knex';
import { ITEM_COLUMNS, ORDER_COLUMNS, toItem, toOrder } from './rows';
import type { OrderRow } from './tables';

type Query = RecentOrdersQuery;

/** The newest orders, optionally of one customer: the first level of every strategy. */
function recentOrders(db: Knex, query: Query) {
  return db('orders')
    .select(ORDER_COLUMNS)
    .where(query.customerId === undefined ? {} : { customer_id: query.customerId })
    .orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(query.limit);
}

/** N+1 as it is usually written: one query per order for its customer and items, one per item for its product. */
async function naive(db: Knex, query: Query): Promise<OrderDetails[]> {
  const orders = await recentOrders(db, query);
  const result: OrderDetails[] = [];
  for (const order of orders) {
    const customer = await db('customers')
      .select('id', 'email', 'name')
      .where('id', order.customer_id)
      .first();
    const items = await db('order_items').select(ITEM_COLUMNS).where('order_id', order.id).orderBy('id');
    const withProducts = [];
    for (const item of items) {
      const product = await db('products').select('id', 'sku', 'name').where('id', item.product_id).first();
      withProducts.push({ ...toItem(item), product: product! });
    }
    result.push({ ...toOrder(order), customer: customer!, items: withProducts });
  }
  return result;
}

/** One query per relation level with `whereIn`, stitched in memory. */
async function batched(db: Knex, query: Query): Promise<OrderDetails[]> {
  const orders = await recentOrders(db, query);
  if (orders.length === 0) return [];
  const customers = await db('customers')
    .select('id', 'email', 'name')
    .whereIn('id', [...new Set(orders.map((o) => o.customer_id))]);
  const items = await db('order_items')
    .select(ITEM_COLUMNS)
    .whereIn(
      'order_id',
      orders.map((o) => o.id),
    )
    .orderBy('id');
  const products = await db('products')
    .select('id', 'sku', 'name')
    .whereIn('id', [...new Set(items.map((i) => i.product_id))]);
  return stitchOrderDetails(orders.map(toOrder), customers, items.map(toItem), products);
}

/**
 * One statement: the page of orders as a derived table, its customer by join, its items aggregated to JSON
 * by a correlated subquery (Knex has no LATERAL join; the planner runs both the same way, once per order).
 */
async function joined(db: Knex, query: Query): Promise<OrderDetails[]> {
  const items = db('order_items as oi')
    .join('products as p', 'p.id', 'oi.product_id')
    .where('oi.order_id', db.ref('o.id'))
    // escape hatch: recentOrdersWithDetails/joined: Knex has no JSON aggregation API: json_agg and
    // json_build_object here and for the customer below; json_build_object keeps its key order, so the
    // objects already have the domain's shape
    .select(
      db.raw(`coalesce(json_agg(json_build_object(
        'id', oi.id, 'orderId', oi.order_id, 'productId', oi.product_id, 'quantity', oi.quantity,
        'unitPriceCents', oi.unit_price_cents,
        'product', json_build_object('id', p.id, 'sku', p.sku, 'name', p.name)) ORDER BY oi.id), '[]'::json)`),
    )
    .as('items');
  const rows: (OrderRow & Pick<OrderDetails, 'customer' | 'items'>)[] = await db
    .select(
      ...ORDER_COLUMNS.map((c) => `o.${c}`),
      // the customer as one JSON object (the raw select marked above)
      db.raw(`json_build_object('id', c.id, 'email', c.email, 'name', c.name) AS customer`),
      items,
    )
    .from(recentOrders(db, query).as('o'))
    .join('customers as c', 'c.id', 'o.customer_id')
    .orderBy([
      { column: 'o.created_at', order: 'desc' },
      { column: 'o.id', order: 'desc' },
    ]);
  return rows.map((r) => ({ ...toOrder(r), customer: r.customer, items: r.items }));
}

const STRATEGIES = { naive, batched, joined } satisfies Record<LoadStrategy, unknown>;

export function loadOrderDetails(db: Knex, query: Query, strategy: LoadStrategy): Promise<OrderDetails[]> {
  return STRATEGIES[strategy](db, query);
}
