/** Domain objects returned by every implementation. Ids and money are numbers (cents); instants are Dates. */

export interface Customer {
  id: number;
  email: string;
  name: string;
  createdAt: Date;
}

export interface Product {
  id: number;
  sku: string;
  name: string;
  priceCents: number;
  stock: number;
  /** Optimistic-lock version, starts at 1 and grows by one on every update. */
  version: number;
  updatedAt: Date;
}

export const ORDER_STATUSES = ['pending', 'paid', 'shipped', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface Order {
  id: number;
  customerId: number;
  status: OrderStatus;
  totalCents: number;
  createdAt: Date;
}

export interface OrderItem {
  id: number;
  orderId: number;
  productId: number;
  quantity: number;
  unitPriceCents: number;
}

/** An order with its customer and its items (id ascending), each item with its product. */
export interface OrderDetails extends Order {
  customer: { id: number; email: string; name: string };
  items: Array<OrderItem & { product: { id: number; sku: string; name: string } }>;
}

export interface Account {
  id: number;
  customerId: number;
  balanceCents: number;
  version: number;
}

export interface Transfer {
  id: number;
  fromAccountId: number;
  toAccountId: number;
  amountCents: number;
  idempotencyKey: string;
  createdAt: Date;
}
