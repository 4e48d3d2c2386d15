import type { LoadStrategy, OrderDetails, RecentOrdersQuery } from '@dal/core';
import type { Prisma, PrismaClient } from '../generated/prisma/client';
import {
  customerRefSelect,
  itemSelect,
  orderDetailsSelect,
  orderSelect,
  productRefSelect,
  toOrder,
  toOrderDetails,
} from './rows';

type Query = RecentOrdersQuery;

/** The newest orders, optionally of one customer: the first level of every strategy. */
function recentOrders(query: Query) {
  return {
    where: query.customerId === undefined ? {} : { customerId: query.customerId },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: query.limit,
  } satisfies Prisma.OrderFindManyArgs;
}

/** N+1 as it is usually written: one query per order for its customer and items, one per item for its product. */
async function naive(prisma: PrismaClient, query: Query): Promise<OrderDetails[]> {
  const orders = await prisma.order.findMany({ ...recentOrders(query), select: orderSelect });
  const result: OrderDetails[] = [];
  // awaited one by one: findUnique calls issued in the same tick would be batched by Prisma's dataloader
  for (const order of orders) {
    const customer = await prisma.customer.findUniqueOrThrow({
      where: { id: order.customerId },
      select: customerRefSelect,
    });
    const items = await prisma.orderItem.findMany({
      where: { orderId: order.id },
      orderBy: { id: 'asc' },
      select: itemSelect,
    });
    const withProducts = [];
    for (const item of items) {
      const product = await prisma.product.findUniqueOrThrow({
        where: { id: item.productId },
        select: productRefSelect,
      });
      withProducts.push({ ...item, product });
    }
    result.push({ ...toOrder(order), customer, items: withProducts });
  }
  return result;
}

/** Prisma's `include`/`select` with relationLoadStrategy 'query': one `IN (...)` query per relation level. */
async function batched(prisma: PrismaClient, query: Query): Promise<OrderDetails[]> {
  const orders = await prisma.order.findMany({
    ...recentOrders(query),
    relationLoadStrategy: 'query',
    select: orderDetailsSelect,
  });
  return orders.map(toOrderDetails);
}

/** relationLoadStrategy 'join' (preview feature relationJoins): one statement with lateral joins and JSON. */
async function joined(prisma: PrismaClient, query: Query): Promise<OrderDetails[]> {
  const orders = await prisma.order.findMany({
    ...recentOrders(query),
    relationLoadStrategy: 'join',
    select: orderDetailsSelect,
  });
  return orders.map(toOrderDetails);
}

const STRATEGIES = { naive, batched, joined } satisfies Record<LoadStrategy, unknown>;

export function loadOrderDetails(
  prisma: PrismaClient,
  query: Query,
  strategy: LoadStrategy,
): Promise<OrderDetails[]> {
  return STRATEGIES[strategy](prisma, query);
}
