import type { Order, OrderDetails, OrderItem } from './domain';

type CustomerSummary = OrderDetails['customer'];
type ProductSummary = OrderDetails['items'][number]['product'];

/**
 * The in-memory half of the `batched` strategy: joins the rows of one query per relation level into
 * OrderDetails. Orders keep their order, and each order's items the order they came in (id asc).
 */
export function stitchOrderDetails(
  orders: readonly Order[],
  customers: readonly CustomerSummary[],
  items: readonly OrderItem[],
  products: readonly ProductSummary[],
): OrderDetails[] {
  const customerById = new Map(customers.map((c) => [c.id, c]));
  const productById = new Map(products.map((p) => [p.id, p]));
  const itemsByOrder = new Map<number, OrderDetails['items']>();
  for (const item of items) {
    const list = itemsByOrder.get(item.orderId) ?? [];
    list.push({ ...item, product: productById.get(item.productId)! });
    itemsByOrder.set(item.orderId, list);
  }
  return orders.map((o) => ({
    ...o,
    customer: customerById.get(o.customerId)!,
    items: itemsByOrder.get(o.id) ?? [],
  }));
}
