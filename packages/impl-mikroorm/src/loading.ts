import type { LoadStrategy, OrderDetails, RecentOrdersQuery } from '@dal/core';
import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import { Order } from './entities';
import { toOrderDetails } from './rows';

type Query = RecentOrdersQuery;

export const NEWEST_FIRST = { createdAt: 'desc', id: 'desc' } as const;
const RELATIONS = ['customer', 'items.product'] as const;

const byCustomer = (query: Query): { customer?: number } =>
  query.customerId === undefined ? {} : { customer: query.customerId };

/**
 * N+1 as a MikroORM user meets it: the orders, then lazy loading through the references and collections —
 * `customer.load()` and `items.load()` per order, `product.load()` per item. Each load is a query unless the
 * fork's identity map already holds that entity initialized: a customer of two orders, or a product of two
 * items, is loaded once (see the README).
 */
async function naive(em: EntityManager, query: Query): Promise<OrderDetails[]> {
  const orders = await em.find(Order, byCustomer(query), { orderBy: NEWEST_FIRST, limit: query.limit });
  for (const order of orders) {
    await order.customer.load();
    await order.items.load();
    for (const item of order.items) await item.product.load();
  }
  return orders.map(toOrderDetails);
}

/**
 * `populate` with the 'select-in' strategy: the orders, then one `WHERE id IN (...)` query per relation level
 * (customers, items, products), stitched by the identity map. The items' order comes from the mapping
 * (`orderBy` of Order.items): in this `orderBy` it would join the items into the first query to sort by them.
 */
async function batched(em: EntityManager, query: Query): Promise<OrderDetails[]> {
  const orders = await em.find(Order, byCustomer(query), {
    populate: RELATIONS,
    strategy: 'select-in',
    orderBy: NEWEST_FIRST,
    limit: query.limit,
  });
  return orders.map(toOrderDetails);
}

/**
 * `populate` with the 'joined' strategy: one statement. With `limit`, MikroORM would page a to-many join
 * through `GROUP BY orders.id ORDER BY min(created_at) ...` over every order joined with its items (a full
 * scan at any scale); the page of ids is a QueryBuilder subquery instead, which the (created_at desc, id desc)
 * index serves, and the joins load its relations.
 */
async function joined(em: EntityManager, query: Query): Promise<OrderDetails[]> {
  const page = em
    .createQueryBuilder(Order, 'page')
    .select('id')
    .where(byCustomer(query))
    .orderBy(NEWEST_FIRST)
    .limit(query.limit);
  const orders = await em.find(
    Order,
    // a knex query as the value of $in becomes `IN (subquery)` (the QueryBuilder's documented sub-query form)
    { id: { $in: page.getKnexQuery() } } as unknown as FilterQuery<Order>,
    {
      populate: RELATIONS,
      strategy: 'joined',
      orderBy: NEWEST_FIRST,
    },
  );
  return orders.map(toOrderDetails);
}

const STRATEGIES = { naive, batched, joined } satisfies Record<LoadStrategy, unknown>;

/** Every strategy runs on its own fork: nothing is cached from one call to the next. */
export function loadOrderDetails(
  em: EntityManager,
  query: Query,
  strategy: LoadStrategy,
): Promise<OrderDetails[]> {
  return STRATEGIES[strategy](em, query);
}
