import type { Account, Customer, Order, OrderDetails, OrderItem, Product, Transfer } from '@dal/core';
import type * as entities from './entities';

// Entities carry relations and columns the contract does not return (deletedAt, items, references): the
// mappers copy exactly the domain's keys, so results deep-equal every other implementation's. A reference's
// id is known without loading it (`ref.id`), so customerId, orderId, productId never cost a query.

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
  customerId: o.customer.id,
  status: o.status,
  totalCents: o.totalCents,
  createdAt: o.createdAt,
});

export const toItem = (i: entities.OrderItem): OrderItem => ({
  id: i.id,
  orderId: i.order.id,
  productId: i.product.id,
  quantity: i.quantity,
  unitPriceCents: i.unitPriceCents,
});

/** An order whose customer, items and each item's product are loaded (getEntity() throws on an unloaded reference). */
export const toOrderDetails = (o: entities.Order): OrderDetails => ({
  ...toOrder(o),
  customer: {
    id: o.customer.getEntity().id,
    email: o.customer.getEntity().email,
    name: o.customer.getEntity().name,
  },
  items: o.items.getItems().map((i) => ({
    ...toItem(i),
    product: {
      id: i.product.getEntity().id,
      sku: i.product.getEntity().sku,
      name: i.product.getEntity().name,
    },
  })),
});

export const toAccount = (a: entities.Account): Account => ({
  id: a.id,
  customerId: a.customer.id,
  balanceCents: a.balanceCents,
  version: a.version,
});

export const toTransfer = (t: entities.Transfer): Transfer => ({
  id: t.id,
  fromAccountId: t.fromAccount.id,
  toAccountId: t.toAccount.id,
  amountCents: t.amountCents,
  idempotencyKey: t.idempotencyKey,
  createdAt: t.createdAt,
});
