import { accounts, customers, orderItems, orders, products, transfers } from './schema';

// Explicit selections give the domain objects their exact key sets: a bare select() or returning() would
// add every column of the table (deleted_at, for one).

export const customerColumns = {
  id: customers.id,
  email: customers.email,
  name: customers.name,
  createdAt: customers.createdAt,
};

export const productColumns = {
  id: products.id,
  sku: products.sku,
  name: products.name,
  priceCents: products.priceCents,
  stock: products.stock,
  version: products.version,
  updatedAt: products.updatedAt,
};

export const orderColumns = {
  id: orders.id,
  customerId: orders.customerId,
  status: orders.status,
  totalCents: orders.totalCents,
  createdAt: orders.createdAt,
};

export const itemColumns = {
  id: orderItems.id,
  orderId: orderItems.orderId,
  productId: orderItems.productId,
  quantity: orderItems.quantity,
  unitPriceCents: orderItems.unitPriceCents,
};

export const accountColumns = {
  id: accounts.id,
  customerId: accounts.customerId,
  balanceCents: accounts.balanceCents,
  version: accounts.version,
};

export const transferColumns = {
  id: transfers.id,
  fromAccountId: transfers.fromAccountId,
  toAccountId: transfers.toAccountId,
  amountCents: transfers.amountCents,
  idempotencyKey: transfers.idempotencyKey,
  createdAt: transfers.createdAt,
};

/** The customer and product summaries an OrderDetails embeds. */
export const customerSummaryColumns = { id: customers.id, email: customers.email, name: customers.name };
export const productSummaryColumns = { id: products.id, sku: products.sku, name: products.name };

/** The same selections as `columns: {...: true}` maps for the relational query API. */
export function relationalColumns<T extends Record<string, unknown>>(selection: T): Record<keyof T, true> {
  return Object.fromEntries(Object.keys(selection).map((key) => [key, true])) as Record<keyof T, true>;
}
