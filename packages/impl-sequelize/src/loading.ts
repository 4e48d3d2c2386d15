import { type LoadStrategy, type OrderDetails, type RecentOrdersQuery, stitchOrderDetails } from '@dal/core';
import { Op, type Order as OrderOptions } from 'sequelize';
import type { Models } from './models';
import {
  CUSTOMER_SUMMARY,
  PRODUCT_SUMMARY,
  toCustomerSummary,
  toItem,
  toOrder,
  toOrderDetails,
  toProductSummary,
} from './rows';

type Query = RecentOrdersQuery;

const NEWEST_FIRST: OrderOptions = [
  ['createdAt', 'DESC'],
  ['id', 'DESC'],
];

const filter = (query: Query) => (query.customerId === undefined ? {} : { customerId: query.customerId });

/** The newest orders, optionally of one customer: the first level of naive and batched. */
const recentOrders = (m: Models, query: Query) =>
  m.Order.findAll({ where: filter(query), order: NEWEST_FIRST, limit: query.limit });

/**
 * N+1 as it is written with Sequelize: the association getters Model.init's associations define, one
 * query each — `order.getCustomer()`, `order.getItems()` per order, `item.getProduct()` per item.
 */
async function naive(m: Models, query: Query): Promise<OrderDetails[]> {
  const orders = await recentOrders(m, query);
  const result: OrderDetails[] = [];
  for (const order of orders) {
    const customer = await order.getCustomer({ attributes: CUSTOMER_SUMMARY });
    const items = await order.getItems({ order: [['id', 'ASC']] });
    const withProducts: OrderDetails['items'] = [];
    for (const item of items) {
      const product = await item.getProduct({ attributes: PRODUCT_SUMMARY });
      withProducts.push({ ...toItem(item), product: toProductSummary(product) });
    }
    result.push({ ...toOrder(order), customer: toCustomerSummary(customer), items: withProducts });
  }
  return result;
}

/**
 * One findAll per relation level with `Op.in`, stitched in memory. `include: [{ separate: true }]` would do
 * the same for `items` only: Sequelize supports `separate` on hasMany, not on belongsTo (customer, product),
 * which it always joins.
 */
async function batched(m: Models, query: Query): Promise<OrderDetails[]> {
  const orders = await recentOrders(m, query);
  if (orders.length === 0) return [];
  const customers = await m.Customer.findAll({
    attributes: CUSTOMER_SUMMARY,
    where: { id: { [Op.in]: [...new Set(orders.map((o) => o.customerId))] } },
  });
  const items = await m.OrderItem.findAll({
    where: { orderId: { [Op.in]: orders.map((o) => o.id) } },
    order: [['id', 'ASC']],
  });
  const products = await m.Product.findAll({
    attributes: PRODUCT_SUMMARY,
    where: { id: { [Op.in]: [...new Set(items.map((i) => i.productId))] } },
  });
  return stitchOrderDetails(
    orders.map(toOrder),
    customers.map(toCustomerSummary),
    items.map(toItem),
    products.map(toProductSummary),
  );
}

/**
 * One statement: findAll with nested `include`. With a `limit` and a hasMany include, Sequelize puts the
 * LIMITed orders in a subquery (`subQuery` defaults to true then) and joins customer, items and products to
 * it, so the page counts orders, not joined rows; no include is `separate`, which would add a statement.
 */
async function joined(m: Models, query: Query): Promise<OrderDetails[]> {
  const orders = await m.Order.findAll({
    where: filter(query),
    include: [
      { association: 'customer', attributes: CUSTOMER_SUMMARY },
      { association: 'items', include: [{ association: 'product', attributes: PRODUCT_SUMMARY }] },
    ],
    order: [...(NEWEST_FIRST as []), [{ model: m.OrderItem, as: 'items' }, 'id', 'ASC']],
    limit: query.limit,
  });
  return orders.map(toOrderDetails);
}

const STRATEGIES = { naive, batched, joined } satisfies Record<LoadStrategy, unknown>;

export function loadOrderDetails(m: Models, query: Query, strategy: LoadStrategy): Promise<OrderDetails[]> {
  return STRATEGIES[strategy](m, query);
}
