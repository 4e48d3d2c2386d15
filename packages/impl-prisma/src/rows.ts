import type { Account, Order, OrderDetails, OrderStatus, Transfer } from '@dal/core';
import { exactCents } from '@dal/core';
import type { Prisma } from '../generated/prisma/client';

// `select` objects give results exactly the domain's keys. Prisma returns bigint columns as BigInt and the
// text `status` as string; the mappers turn them into the contract's number and OrderStatus (the CHECK
// constraint orders_status_check guarantees the value).

export const customerSelect = {
  id: true,
  email: true,
  name: true,
  createdAt: true,
} satisfies Prisma.CustomerSelect;
export const customerRefSelect = { id: true, email: true, name: true } satisfies Prisma.CustomerSelect;

export const productSelect = {
  id: true,
  sku: true,
  name: true,
  priceCents: true,
  stock: true,
  version: true,
  updatedAt: true,
} satisfies Prisma.ProductSelect;
export const productRefSelect = { id: true, sku: true, name: true } satisfies Prisma.ProductSelect;

export const orderSelect = {
  id: true,
  customerId: true,
  status: true,
  totalCents: true,
  createdAt: true,
} satisfies Prisma.OrderSelect;

export const itemSelect = {
  id: true,
  orderId: true,
  productId: true,
  quantity: true,
  unitPriceCents: true,
} satisfies Prisma.OrderItemSelect;

/** An order with its customer and its items (id asc), each with its product: OrderDetails in one select. */
export const orderDetailsSelect = {
  ...orderSelect,
  customer: { select: customerRefSelect },
  items: { orderBy: { id: 'asc' }, select: { ...itemSelect, product: { select: productRefSelect } } },
} satisfies Prisma.OrderSelect;

export const accountSelect = {
  id: true,
  customerId: true,
  balanceCents: true,
  version: true,
} satisfies Prisma.AccountSelect;

export const transferSelect = {
  id: true,
  fromAccountId: true,
  toAccountId: true,
  amountCents: true,
  idempotencyKey: true,
  createdAt: true,
} satisfies Prisma.TransferSelect;

export const toOrder = <T extends { status: string }>(row: T): T & { status: OrderStatus } => ({
  ...row,
  status: row.status as OrderStatus,
});

export const toOrderDetails = (
  row: Prisma.OrderGetPayload<{ select: typeof orderDetailsSelect }>,
): OrderDetails => toOrder(row);

export const toAccount = (row: Prisma.AccountGetPayload<{ select: typeof accountSelect }>): Account => ({
  ...row,
  balanceCents: exactCents(row.balanceCents, 'balance'),
});

export const toTransfer = (row: Prisma.TransferGetPayload<{ select: typeof transferSelect }>): Transfer => ({
  ...row,
  amountCents: exactCents(row.amountCents),
});

/** A row of the raw keyset query: the order's columns (aliased to camelCase) and the exact cursor text. */
export interface KeysetRow extends Omit<Order, 'status'> {
  status: string;
  cursorAt: string;
}

export const keysetRowToOrder = ({ cursorAt: _, ...order }: KeysetRow): Order => toOrder(order);
