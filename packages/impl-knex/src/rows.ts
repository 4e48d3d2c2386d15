import type { Account, Customer, Order, OrderItem, Product, Transfer } from '@dal/core';
import { exactCents } from '@dal/core';
import type { AccountRow, CustomerRow, OrderItemRow, OrderRow, ProductRow, TransferRow } from './tables';

/**
 * Column names of one table, checked against its row interface. A plain mutable array on purpose: Knex's
 * select(), first() and returning() typings read a tuple or a readonly array as an alias map.
 */
const columns =
  <Row>() =>
  <K extends keyof Row & string>(...names: K[]): K[] =>
    names;

export const CUSTOMER_COLUMNS = columns<CustomerRow>()('id', 'email', 'name', 'created_at');
export const PRODUCT_COLUMNS = columns<ProductRow>()(
  'id',
  'sku',
  'name',
  'price_cents',
  'stock',
  'version',
  'updated_at',
);
export const ORDER_COLUMNS = columns<OrderRow>()('id', 'customer_id', 'status', 'total_cents', 'created_at');
export const ITEM_COLUMNS = columns<OrderItemRow>()(
  'id',
  'order_id',
  'product_id',
  'quantity',
  'unit_price_cents',
);
export const ACCOUNT_COLUMNS = columns<AccountRow>()('id', 'customer_id', 'balance_cents', 'version');
export const TRANSFER_COLUMNS = columns<TransferRow>()(
  'id',
  'from_account_id',
  'to_account_id',
  'amount_cents',
  'idempotency_key',
  'created_at',
);

export const toCustomer = (r: Pick<CustomerRow, (typeof CUSTOMER_COLUMNS)[number]>): Customer => ({
  id: r.id,
  email: r.email,
  name: r.name,
  createdAt: r.created_at,
});

export const toProduct = (r: ProductRow): Product => ({
  id: r.id,
  sku: r.sku,
  name: r.name,
  priceCents: r.price_cents,
  stock: r.stock,
  version: r.version,
  updatedAt: r.updated_at,
});

export const toOrder = (r: OrderRow): Order => ({
  id: r.id,
  customerId: r.customer_id,
  status: r.status,
  totalCents: r.total_cents,
  createdAt: r.created_at,
});

export const toItem = (r: OrderItemRow): OrderItem => ({
  id: r.id,
  orderId: r.order_id,
  productId: r.product_id,
  quantity: r.quantity,
  unitPriceCents: r.unit_price_cents,
});

// every amount the contract accepts is a safe integer, so the int8 strings convert exactly
export const toAccount = (r: AccountRow): Account => ({
  id: r.id,
  customerId: r.customer_id,
  balanceCents: exactCents(r.balance_cents, 'balance'),
  version: r.version,
});

export const toTransfer = (r: TransferRow): Transfer => ({
  id: r.id,
  fromAccountId: r.from_account_id,
  toAccountId: r.to_account_id,
  amountCents: exactCents(r.amount_cents),
  idempotencyKey: r.idempotency_key,
  createdAt: r.created_at,
});
