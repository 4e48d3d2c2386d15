import type { Account, Customer, Order, OrderDetails, OrderItem, Product, Transfer } from '@dal/core';
import type * as models from './models';

// Model instances carry more than the domain objects (deletedAt, associations, Sequelize's own state): the
// mappers copy exactly the domain's keys, so results deep-equal every other implementation's.

/** What recentOrdersWithDetails returns of a customer and of a product. */
export const CUSTOMER_SUMMARY = ['id', 'email', 'name'];
export const PRODUCT_SUMMARY = ['id', 'sku', 'name'];

export const toCustomer = (c: models.Customer): Customer => ({
  id: c.id,
  email: c.email,
  name: c.name,
  createdAt: c.createdAt,
});

export const toProduct = (p: models.Product): Product => ({
  id: p.id,
  sku: p.sku,
  name: p.name,
  priceCents: p.priceCents,
  stock: p.stock,
  version: p.version,
  updatedAt: p.updatedAt,
});

export const toOrder = (o: models.Order): Order => ({
  id: o.id,
  customerId: o.customerId,
  status: o.status,
  totalCents: o.totalCents,
  createdAt: o.createdAt,
});

export const toItem = (i: models.OrderItem): OrderItem => ({
  id: i.id,
  orderId: i.orderId,
  productId: i.productId,
  quantity: i.quantity,
  unitPriceCents: i.unitPriceCents,
});

export const toCustomerSummary = (c: models.Customer): OrderDetails['customer'] => ({
  id: c.id,
  email: c.email,
  name: c.name,
});

export const toProductSummary = (p: models.Product): OrderDetails['items'][number]['product'] => ({
  id: p.id,
  sku: p.sku,
  name: p.name,
});

/** An order whose `customer`, `items` and each item's `product` are loaded. */
export const toOrderDetails = (o: models.Order): OrderDetails => ({
  ...toOrder(o),
  customer: toCustomerSummary(o.customer!),
  items: o.items!.map((i) => ({ ...toItem(i), product: toProductSummary(i.product!) })),
});

export const toAccount = (a: models.Account): Account => ({
  id: a.id,
  customerId: a.customerId,
  balanceCents: a.balanceCents,
  version: a.version,
});

export const toTransfer = (t: models.Transfer): Transfer => ({
  id: t.id,
  fromAccountId: t.fromAccountId,
  toAccountId: t.toAccountId,
  amountCents: t.amountCents,
  idempotencyKey: t.idempotencyKey,
  createdAt: t.createdAt,
});
