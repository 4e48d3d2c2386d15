import {
  type LoadStrategy,
  type Order,
  type OrderDetails,
  type OrderItem,
  type RecentOrdersQuery,
  stitchOrderDetails,
} from '@dal/core';
import { OID, type Pool, type Sql } from './connection';
import { ITEM_COLUMNS, ORDER_COLUMNS } from './rows';

type Query = RecentOrdersQuery;
type CustomerSummary = OrderDetails['customer'];
type ProductSummary = OrderDetails['items'][number]['product'];

/** The newest orders, optionally of one customer: the first level of every strategy, as a fragment. */
function recentOrders(sql: Sql, query: Query) {
  return sql`SELECT ${sql(ORDER_COLUMNS)} FROM orders
    ${query.customerId === undefined ? sql`` : sql`WHERE customer_id = ${query.customerId}`}
    ORDER BY created_at DESC, id DESC LIMIT ${query.limit}`;
}

/** N+1 as it is usually written: one query per order for its customer and items, one per item for its product. */
async function naive(pool: Pool, query: Query): Promise<OrderDetails[]> {
  const { sql } = pool;
  const orders = await pool.run(() => sql<Order[]>`${recentOrders(sql, query)}`);
  const result: OrderDetails[] = [];
  for (const order of orders) {
    const [customer] = await pool.run(
      () => sql<CustomerSummary[]>`SELECT id, email, name FROM customers WHERE id = ${order.customerId}`,
    );
    const items = await pool.run(
      () => sql<OrderItem[]>`SELECT ${sql(ITEM_COLUMNS)} FROM order_items
        WHERE order_id = ${order.id} ORDER BY id`,
    );
    const withProducts = [];
    for (const item of items) {
      const [product] = await pool.run(
        () => sql<ProductSummary[]>`SELECT id, sku, name FROM products WHERE id = ${item.productId}`,
      );
      withProducts.push({ ...item, product: product! });
    }
    result.push({ ...order, customer: customer!, items: withProducts });
  }
  return result;
}

/** One query per relation level with `= ANY($1)` over an int4[] parameter, stitched in memory. */
async function batched(pool: Pool, query: Query): Promise<OrderDetails[]> {
  const { sql } = pool;
  const ids = (values: number[]) => sql.array([...new Set(values)], OID.int4);
  const orders = await pool.run(() => sql<Order[]>`${recentOrders(sql, query)}`);
  if (orders.length === 0) return [];
  const customers = await pool.run(
    () => sql<CustomerSummary[]>`SELECT id, email, name FROM customers
      WHERE id = ANY(${ids(orders.map((o) => o.customerId))})`,
  );
  const items = await pool.run(
    () => sql<OrderItem[]>`SELECT ${sql(ITEM_COLUMNS)} FROM order_items
      WHERE order_id = ANY(${ids(orders.map((o) => o.id))}) ORDER BY id`,
  );
  const products = await pool.run(
    () => sql<ProductSummary[]>`SELECT id, sku, name FROM products
      WHERE id = ANY(${ids(items.map((i) => i.productId))})`,
  );
  return stitchOrderDetails(orders, customers, items, products);
}

/** One statement: the page of orders, its customer by join, its items aggregated to JSON in a lateral join. */
async function joined(pool: Pool, query: Query): Promise<OrderDetails[]> {
  const { sql } = pool;
  // postgres.js parses json columns itself; json_build_object keeps the order of its keys, so the JSON
  // objects already have the domain's shape
  const rows = await pool.run(
    () => sql<OrderDetails[]>`
      SELECT o.id, o.customer_id, o.status, o.total_cents, o.created_at,
             json_build_object('id', c.id, 'email', c.email, 'name', c.name) AS customer,
             coalesce(i.items, '[]'::json) AS items
        FROM (${recentOrders(sql, query)}) AS o
        JOIN customers c ON c.id = o.customer_id
        LEFT JOIN LATERAL (
          SELECT json_agg(json_build_object(
                   'id', oi.id, 'orderId', oi.order_id, 'productId', oi.product_id, 'quantity', oi.quantity,
                   'unitPriceCents', oi.unit_price_cents,
                   'product', json_build_object('id', p.id, 'sku', p.sku, 'name', p.name)) ORDER BY oi.id) AS items
            FROM order_items oi JOIN products p ON p.id = oi.product_id
           WHERE oi.order_id = o.id) AS i ON true
       ORDER BY o.created_at DESC, o.id DESC`,
  );
  return [...rows];
}

const STRATEGIES = { naive, batched, joined } satisfies Record<LoadStrategy, unknown>;

export function loadOrderDetails(pool: Pool, query: Query, strategy: LoadStrategy): Promise<OrderDetails[]> {
  return STRATEGIES[strategy](pool, query);
}
