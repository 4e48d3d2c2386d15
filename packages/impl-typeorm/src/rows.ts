import type { Account, Customer, Order, OrderDetails, OrderItem, Product, Transfer } from '@dal/core';
import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type * as entities from './entities';

// Entities carry relations and columns the contract does not return (deletedAt, customer, items): the
// mappers copy exactly the domain's keys, so results deep-equal every other implementation's.

/** What recentOrdersWithDetails returns of a customer and of a product. */
export const CUSTOMER_SUMMARY = { id: true, email: true, name: true } as const;
export const PRODUCT_SUMMARY = { id: true, sku: true, name: true } as const;

export const toCustomer = (c: entities.Customer): Customer => ({
  id: c.id,
  email: c.email,
  name: c.name,
  createdAt: c.createdAt,
});

export const toProduct = (p: entities.Product): Product => ({
  id: p.id,
  sku: p.sku,
  name: p.name,
  priceCents: p.priceCents,
  stock: p.stock,
  version: p.version,
  updatedAt: p.updatedAt,
});

export const toOrder = (o: entities.Order): Order => ({
  id: o.id,
  customerId: o.customerId,
  status: o.status,
  totalCents: o.totalCents,
  createdAt: o.createdAt,
});

export const toItem = (i: entities.OrderItem): OrderItem => ({
  id: i.id,
  orderId: i.orderId,
  productId: i.productId,
  quantity: i.quantity,
  unitPriceCents: i.unitPriceCents,
});

/** An order whose `customer`, `items` and each item's `product` are loaded. */
export const toOrderDetails = (o: entities.Order): OrderDetails => ({
  ...toOrder(o),
  customer: { id: o.customer.id, email: o.customer.email, name: o.customer.name },
  items: o.items.map((i) => ({
    ...toItem(i),
    product: { id: i.product.id, sku: i.product.sku, name: i.product.name },
  })),
});

export const toAccount = (a: entities.Account): Account => ({
  id: a.id,
  customerId: a.customerId,
  balanceCents: a.balanceCents,
  version: a.version,
});

export const toTransfer = (t: entities.Transfer): Transfer => ({
  id: t.id,
  fromAccountId: t.fromAccountId,
  toAccountId: t.toAccountId,
  amountCents: t.amountCents,
  idempotencyKey: t.idempotencyKey,
  createdAt: t.createdAt,
});

/**
 * The entity of a RETURNING row (database column names), hydrated as TypeORM hydrates a SELECT: the
 * UpdateQueryBuilder hands back `raw` rows only, it maps them to entities just for whereEntity() updates.
 */
export function entityFromRow<T extends ObjectLiteral>(
  em: EntityManager,
  target: EntityTarget<T>,
  row: ObjectLiteral,
): T {
  const metadata = em.dataSource.getMetadata(target);
  const entity = metadata.create() as T;
  for (const column of metadata.columns) {
    if (column.databaseName in row) {
      column.setEntityValue(
        entity,
        em.dataSource.driver.prepareHydratedValue(row[column.databaseName], column),
      );
    }
  }
  return entity;
}
