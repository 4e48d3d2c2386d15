import { type LoadStrategy, type OrderDetails, type RecentOrdersQuery, stitchOrderDetails } from '@dal/core';
import type pg from 'pg';
import { ITEM_COLUMNS, ORDER_COLUMNS, toItem, toOrder } from './rows';

type Query = RecentOrdersQuery;

/** The newest orders, optionally of one customer: the first level of every strategy. */
function recentOrdersSql(query: Query): { text: string; values: unknown[] } {
  return query.customerId === undefined
    ? {
        text: `SELECT ${ORDER_COLUMNS} FROM orders ORDER BY created_at DESC, id DESC LIMIT $1`,
        values: [query.limit],
      }
    : {
        text: `SELECT ${ORDER_COLUMNS} FROM orders WHERE customer_id = $2 ORDER BY created_at DESC, id DESC LIMIT $1`,
        values: [query.limit, query.customerId],
      };
}

/** N+1 as it is usually written: one query per order for its customer and items, one per item for its product. */
async function naive(pool: pg.Pool, query: Query): Promise<OrderDetails[]> {
  const { rows } = await pool.query(recentOrdersSql(query));
  const result: OrderDetails[] = [];
  for (const row of rows) {
    const customer = await pool.query('SELECT id, email, name FROM customers WHERE id = $1', [
      row.customer_id,
    ]);
    const items = await pool.query(
      `SELECT ${ITEM_COLUMNS} FROM order_items WHERE order_id = $1 ORDER BY id`,
      [row.id],
    );
    const withProducts = [];
    for (const item of items.rows) {
      const product = await pool.query('SELECT id, sku, name FROM products WHERE id = $1', [item.product_id]);
      withProducts.push({ ...toItem(item), product: product.rows[0] });
    }
    result.push({ ...toOrder(row), customer: customer.rows[0], items: withProducts });
  }
  return result;
}

/** One query per relation level with `= ANY($1)`, stitched in memory. */
async function batched(pool: pg.Pool, query: Query): Promise<OrderDetails[]> {
  const { rows: orders } = await pool.query(recentOrdersSql(query));
  if (orders.length === 0) return [];
  const customerIds = [...new Set(orders.map((o) => o.customer_id))];
  const { rows: customers } = await pool.query('SELECT id, email, name FROM customers WHERE id = ANY($1)', [
    customerIds,
  ]);
  const { rows: items } = await pool.query(
    `SELECT ${ITEM_COLUMNS} FROM order_items WHERE order_id = ANY($1) ORDER BY id`,
    [orders.map((o) => o.id)],
  );
  const productIds = [...new Set(items.map((i) => i.product_id))];
  const { rows: products } = await pool.query('SELECT id, sku, name FROM products WHERE id = ANY($1)', [
    productIds,
  ]);
  return stitchOrderDetails(orders.map(toOrder), customers, items.map(toItem), products);
}

/** One statement: the page of orders, its customer by join, its items aggregated to JSON in a lateral join. */
async function joined(pool: pg.Pool, query: Query): Promise<OrderDetails[]> {
  const page = recentOrdersSql(query);
  const { rows } = await pool.query(
    `SELECT o.id, o.customer_id, o.status, o.total_cents, o.created_at,
            json_build_object('id', c.id, 'email', c.email, 'name', c.name) AS customer,
            coalesce(i.items, '[]'::json) AS items
       FROM (${page.text}) AS o
       JOIN customers c ON c.id = o.customer_id
       LEFT JOIN LATERAL (
         SELECT json_agg(json_build_object(
                  'id', oi.id, 'orderId', oi.order_id, 'productId', oi.product_id, 'quantity', oi.quantity,
                  'unitPriceCents', oi.unit_price_cents,
                  'product', json_build_object('id', p.id, 'sku', p.sku, 'name', p.name)) ORDER BY oi.id) AS items
           FROM order_items oi JOIN products p ON p.id = oi.product_id
          WHERE oi.order_id = o.id) AS i ON true
      ORDER BY o.created_at DESC, o.id DESC`,
    page.values,
  );
  // json_build_object keeps the order of its keys, so the JSON objects already have the domain's shape
  return rows.map((r) => ({ ...toOrder(r), customer: r.customer, items: r.items }));
}

const STRATEGIES = { naive, batched, joined } satisfies Record<LoadStrategy, unknown>;

export function loadOrderDetails(
  pool: pg.Pool,
  query: Query,
  strategy: LoadStrategy,
): Promise<OrderDetails[]> {
  return STRATEGIES[strategy](pool, query);
}
