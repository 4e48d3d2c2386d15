import { type LoadStrategy, type OrderDetails, type RecentOrdersQuery, stitchOrderDetails } from '@dal/core';
import { asc, eq, inArray } from 'drizzle-orm';
import {
  customerSummaryColumns,
  itemColumns,
  orderColumns,
  productSummaryColumns,
  relationalColumns,
} from './columns';
import type { Db } from './db';
import { newestFirst, orderFilter } from './order-filter';
import { customers, orderItems, orders, products } from './schema';

type Query = RecentOrdersQuery;

const ofCustomer = (query: Query) => orderFilter({ customerId: query.customerId });

/** The newest orders, optionally of one customer: the first level of naive and batched. */
function recentOrders(db: Db, query: Query) {
  return db
    .select(orderColumns)
    .from(orders)
    .where(ofCustomer(query))
    .orderBy(...newestFirst)
    .limit(query.limit);
}

/** N+1 as it is usually written: one query per order for its customer and items, one per item for its product. */
async function naive(db: Db, query: Query): Promise<OrderDetails[]> {
  const result: OrderDetails[] = [];
  for (const order of await recentOrders(db, query)) {
    const [customer] = await db
      .select(customerSummaryColumns)
      .from(customers)
      .where(eq(customers.id, order.customerId));
    const items = await db
      .select(itemColumns)
      .from(orderItems)
      .where(eq(orderItems.orderId, order.id))
      .orderBy(asc(orderItems.id));
    const withProducts: OrderDetails['items'] = [];
    for (const item of items) {
      const [product] = await db
        .select(productSummaryColumns)
        .from(products)
        .where(eq(products.id, item.productId));
      withProducts.push({ ...item, product: product! });
    }
    result.push({ ...order, customer: customer!, items: withProducts });
  }
  return result;
}

/** One query per relation level with `inArray` (IN (...)), stitched in memory. */
async function batched(db: Db, query: Query): Promise<OrderDetails[]> {
  const page = await recentOrders(db, query);
  if (page.length === 0) return [];
  const customerRows = await db
    .select(customerSummaryColumns)
    .from(customers)
    .where(inArray(customers.id, [...new Set(page.map((o) => o.customerId))]));
  const items = await db
    .select(itemColumns)
    .from(orderItems)
    .where(
      inArray(
        orderItems.orderId,
        page.map((o) => o.id),
      ),
    )
    .orderBy(asc(orderItems.id));
  // an empty list renders as `where false`: still one statement, as with the other levels
  const productRows = await db
    .select(productSummaryColumns)
    .from(products)
    .where(inArray(products.id, [...new Set(items.map((i) => i.productId))]));
  return stitchOrderDetails(page, customerRows, items, productRows);
}

/**
 * The relational query API: Drizzle 0.45 renders `with` as lateral joins aggregating each relation to JSON,
 * so the whole tree is one statement. `columns` keeps every level to the contract's keys.
 */
function joined(db: Db, query: Query): Promise<OrderDetails[]> {
  return db.query.orders.findMany({
    columns: relationalColumns(orderColumns),
    where: ofCustomer(query),
    orderBy: newestFirst,
    limit: query.limit,
    with: {
      customer: { columns: relationalColumns(customerSummaryColumns) },
      items: {
        columns: relationalColumns(itemColumns),
        orderBy: [asc(orderItems.id)],
        with: { product: { columns: relationalColumns(productSummaryColumns) } },
      },
    },
  });
}

const STRATEGIES = { naive, batched, joined } satisfies Record<LoadStrategy, unknown>;

export function loadOrderDetails(db: Db, query: Query, strategy: LoadStrategy): Promise<OrderDetails[]> {
  return STRATEGIES[strategy](db, query);
}
