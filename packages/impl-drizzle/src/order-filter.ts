import type { OrderFilter } from '@dal/core';
import { and, desc, eq, type SQL } from 'drizzle-orm';
import { orders } from './schema';

/** The contract's order of orders: newest first, id breaking ties (the orders_*_created_idx indexes). */
export const newestFirst = [desc(orders.createdAt), desc(orders.id)];

/** The optional order filter and further conditions; `and()` drops undefined parts (undefined when all are). */
export function orderFilter(filter: OrderFilter, ...more: Array<SQL | undefined>): SQL | undefined {
  return and(
    filter.customerId === undefined ? undefined : eq(orders.customerId, filter.customerId),
    filter.status === undefined ? undefined : eq(orders.status, filter.status),
    ...more,
  );
}
