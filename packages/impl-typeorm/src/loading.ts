import { type LoadStrategy, type OrderDetails, type RecentOrdersQuery, stitchOrderDetails } from '@dal/core';
import { type EntityManager, In, type SelectQueryBuilder } from 'typeorm';
import { Customer, Order, OrderItem, Product } from './entities';
import { CUSTOMER_SUMMARY, PRODUCT_SUMMARY, toItem, toOrder, toOrderDetails } from './rows';

type Query = RecentOrdersQuery;

const NEWEST_FIRST = { createdAt: 'DESC', id: 'DESC' } as const;

/** The newest orders, optionally of one customer: the first level of naive and batched. */
function recentOrders(em: EntityManager, query: Query): Promise<Order[]> {
  return em.find(Order, {
    where: query.customerId === undefined ? {} : { customerId: query.customerId },
    order: NEWEST_FIRST,
    take: query.limit,
  });
}

// Customer has a @DeleteDateColumn: without withDeleted, TypeORM would drop the soft-deleted customers of
// old orders from every find and join below.

/** N+1 as it is usually written with TypeORM: a find per order for its customer and items, one per item for its product. */
async function naive(em: EntityManager, query: Query): Promise<OrderDetails[]> {
  const orders = await recentOrders(em, query);
  for (const order of orders) {
    order.customer = await em.findOneOrFail(Customer, {
      select: CUSTOMER_SUMMARY,
      where: { id: order.customerId },
      withDeleted: true,
    });
    order.items = await em.find(OrderItem, { where: { orderId: order.id }, order: { id: 'ASC' } });
    for (const item of order.items) {
      item.product = await em.findOneOrFail(Product, {
        select: PRODUCT_SUMMARY,
        where: { id: item.productId },
      });
    }
  }
  return orders.map(toOrderDetails);
}

/** One find per relation level with `In(ids)`, stitched in memory. */
async function batched(em: EntityManager, query: Query): Promise<OrderDetails[]> {
  const orders = await recentOrders(em, query);
  if (orders.length === 0) return [];
  const customers = await em.find(Customer, {
    select: CUSTOMER_SUMMARY,
    where: { id: In([...new Set(orders.map((o) => o.customerId))]) },
    withDeleted: true,
  });
  const items = await em.find(OrderItem, {
    where: { orderId: In(orders.map((o) => o.id)) },
    order: { id: 'ASC' },
  });
  const products = await em.find(Product, {
    select: PRODUCT_SUMMARY,
    where: { id: In([...new Set(items.map((i) => i.productId))]) },
  });
  return stitchOrderDetails(
    orders.map(toOrder),
    customers.map(({ id, email, name }) => ({ id, email, name })),
    items.map(toItem),
    products.map(({ id, sku, name }) => ({ id, sku, name })),
  );
}

/**
 * One statement. `find({ relations, take })` would send two (a SELECT DISTINCT of the page's ids, then the
 * joins), because a LIMIT over joined rows would cut an order's items: here the page of order ids is a
 * LIMITed subquery, and the relations are joined to it.
 */
async function joined(em: EntityManager, query: Query): Promise<OrderDetails[]> {
  const page = (sub: SelectQueryBuilder<Order>) => {
    const newest = sub.select('newest.id', 'id').from(Order, 'newest');
    if (query.customerId !== undefined) {
      newest.where({ customerId: query.customerId });
    }
    return newest.orderBy('newest.createdAt', 'DESC').addOrderBy('newest.id', 'DESC').limit(query.limit);
  };
  const orders = await em
    .createQueryBuilder(Order, 'o')
    // before the joins: TypeORM writes `deleted_at IS NULL` into each join condition as the join is added
    .withDeleted()
    // escape hatch: recentOrdersWithDetails/joined: a join to a subquery takes its condition as SQL text
    // (TypeORM has no object form for it): 'page.id = o.id'
    .innerJoin(page, 'page', 'page.id = o.id')
    .innerJoin('o.customer', 'c')
    .leftJoin('o.items', 'i')
    .leftJoin('i.product', 'p')
    .select(['o', 'c.id', 'c.email', 'c.name', 'i', 'p.id', 'p.sku', 'p.name'])
    .orderBy('o.createdAt', 'DESC')
    .addOrderBy('o.id', 'DESC')
    .addOrderBy('i.id', 'ASC')
    .getMany();
  return orders.map(toOrderDetails);
}

const STRATEGIES = { naive, batched, joined } satisfies Record<LoadStrategy, unknown>;

export function loadOrderDetails(
  em: EntityManager,
  query: Query,
  strategy: LoadStrategy,
): Promise<OrderDetails[]> {
  return STRATEGIES[strategy](em, query);
}
