import {
  type Account,
  type AdjustStrategy,
  type BulkMethod,
  CURSOR_TIMESTAMP_FORMAT,
  type Customer,
  checkCredit,
  InsufficientFundsError,
  InsufficientStockError,
  type KeysetPage,
  type KeysetQuery,
  keysetPage,
  type LoadStrategy,
  type NewCustomer,
  type NewOrder,
  type NewOrderItem,
  NotFoundError,
  type OffsetPage,
  type OffsetQuery,
  type Order,
  type OrderDetails,
  type OrderFilter,
  type PriceUpdate,
  type Product,
  type ProductUpsert,
  type RecentOrdersQuery,
  replayedTransfer,
  type ShopRepository,
  type StockAdjustment,
  type StockAdjustmentResult,
  type Transfer,
  type TransferRequest,
  VersionConflictError,
  validate,
} from '@dal/core';
import { Op, type Sequelize, type WhereOptions } from 'sequelize';
import { insertOrderItems, SUPPORTED_BULK_METHODS } from './bulk';
import { loadOrderDetails } from './loading';
import type * as models from './models';
import type { Models } from './models';
import {
  CUSTOMER_SUMMARY,
  toAccount,
  toCustomer,
  toCustomerSummary,
  toItem,
  toOrder,
  toProduct,
  toProductSummary,
  toTransfer,
} from './rows';
import { adjustStock } from './stock';
import { withTransaction } from './transaction';
import { upsertProducts } from './upsert';

/**
 * increment() and decrement() add `RETURNING *` on PostgreSQL unless told `returning: false`, an option they
 * honour but their typings leave out.
 */
const NO_RETURNING = { returning: false } as Record<never, never>;

const NEWEST_FIRST: [string, string][] = [
  ['createdAt', 'DESC'],
  ['id', 'DESC'],
];

/** The optional order filter as a where object (only the keys that are set). */
function orderWhere(filter: OrderFilter): WhereOptions<models.Order> {
  return {
    ...(filter.customerId !== undefined && { customerId: filter.customerId }),
    ...(filter.status !== undefined && { status: filter.status }),
  };
}

export class SequelizeShopRepository implements ShopRepository {
  constructor(
    private readonly sequelize: Sequelize,
    private readonly m: Models,
  ) {}

  /** `sequelize.fn('now')`: the database clock, sent as SQL wherever a timestamp is written. */
  private now() {
    return this.sequelize.fn('now');
  }

  async createCustomer(input: NewCustomer): Promise<Customer> {
    const { email, name } = validate.newCustomer(input);
    // INSERT ... VALUES (DEFAULT, $1, $2, now()) RETURNING ...: created_at comes back from the database
    return toCustomer(await this.m.Customer.create({ email, name }));
  }

  async getCustomer(id: number): Promise<Customer> {
    validate.id(id);
    const customer = await this.m.Customer.scope('live').findByPk(id);
    if (!customer) throw new NotFoundError('customer', id);
    return toCustomer(customer);
  }

  async findCustomerByEmail(email: string): Promise<Customer | null> {
    validate.email(email);
    // lower(email) matches the partial unique index customers_email_live_key; Op.iLike would treat % and _
    // as wildcards
    const { fn, col, where } = this.sequelize;
    const customer = await this.m.Customer.scope('live').findOne({
      where: where(fn('lower', col('email')), fn('lower', email)),
    });
    return customer ? toCustomer(customer) : null;
  }

  async softDeleteCustomer(id: number): Promise<void> {
    validate.id(id);
    // destroy() on a paranoid model would write the application's clock; an update writes now()
    const [affected] = await this.m.Customer.update(
      { deletedAt: this.now() },
      { where: { id, deletedAt: null } },
    );
    if (affected === 0) throw new NotFoundError('customer', id);
  }

  async getProduct(id: number): Promise<Product> {
    validate.id(id);
    const product = await this.m.Product.findByPk(id);
    if (!product) throw new NotFoundError('product', id);
    return toProduct(product);
  }

  async updateProductPrice(input: PriceUpdate): Promise<Product> {
    const { id, priceCents, expectedVersion } = validate.priceUpdate(input);
    // the compare-and-set: the WHERE matches only at expectedVersion, so the new version is expectedVersion
    // + 1, sent as a value. Sequelize's `version: true` would bump the version on every update and
    // increment()/decrement() too, including createOrder's stock changes, which must not bump it.
    const [count, rows] = await this.m.Product.update(
      { priceCents, version: expectedVersion + 1, updatedAt: this.now() },
      { where: { id, version: expectedVersion }, returning: true },
    );
    if (count === 1 && rows[0]) return toProduct(rows[0]);
    // the compare-and-set matched nothing: tell a missing row from a moved version
    if ((await this.m.Product.count({ where: { id } })) === 0) throw new NotFoundError('product', id);
    throw new VersionConflictError('product', id, expectedVersion);
  }

  async upsertProducts(input: ProductUpsert[]): Promise<{ affected: number }> {
    const rows = validate.upsertProducts(input);
    if (rows.length === 0) return { affected: 0 };
    const affected = await withTransaction(this.sequelize, (t) => upsertProducts(this.sequelize, t, rows));
    return { affected };
  }

  async adjustStock(input: StockAdjustment, strategy: AdjustStrategy): Promise<StockAdjustmentResult> {
    const { productId, delta, strategy: s } = validate.stockAdjustment(input, strategy);
    return adjustStock(this.sequelize, this.m, productId, delta, s);
  }

  async createOrder(input: NewOrder): Promise<OrderDetails> {
    const { customerId, items } = validate.newOrder(input);
    const sorted = [...items].sort((a, b) => a.productId - b.productId);
    return withTransaction(this.sequelize, async (transaction) => {
      const customer = await this.m.Customer.scope('live').findByPk(customerId, {
        attributes: CUSTOMER_SUMMARY,
        transaction,
      });
      if (!customer) throw new NotFoundError('customer', customerId);
      // lock in id order so concurrent orders over the same products cannot deadlock; NO KEY UPDATE does not
      // conflict with the KEY SHARE lock the order_items foreign-key check takes
      const locked = await this.m.Product.findAll({
        attributes: ['id', 'sku', 'name', 'priceCents', 'stock'],
        where: { id: { [Op.in]: sorted.map((i) => i.productId) } },
        order: [['id', 'ASC']],
        lock: transaction.LOCK.NO_KEY_UPDATE,
        transaction,
      });
      const products = new Map(locked.map((p) => [p.id, p]));
      for (const item of sorted) {
        const product = products.get(item.productId);
        if (!product) throw new NotFoundError('product', item.productId);
        if (product.stock < item.quantity)
          throw new InsufficientStockError(item.productId, item.quantity, product.stock);
      }
      const product = (id: number) => products.get(id)!;
      for (const item of sorted) {
        // UPDATE products SET stock = stock - n WHERE id = ...; no version bump (the model has no `version`
        // option), no RETURNING
        await this.m.Product.decrement('stock', {
          by: item.quantity,
          where: { id: item.productId },
          transaction,
          ...NO_RETURNING,
        });
      }
      const order = await this.m.Order.create(
        {
          customerId,
          status: 'pending',
          totalCents: items.reduce((sum, i) => sum + i.quantity * product(i.productId).priceCents, 0),
          // created_at from the database clock, read back by RETURNING
          createdAt: this.now() as unknown as Date,
        },
        { transaction },
      );
      // one multi-row INSERT in input order; its RETURNING fills in each instance's id
      const lines = await this.m.OrderItem.bulkCreate(
        items.map((i) => ({
          orderId: order.id,
          productId: i.productId,
          quantity: i.quantity,
          unitPriceCents: product(i.productId).priceCents,
        })),
        { transaction },
      );
      return {
        ...toOrder(order),
        customer: toCustomerSummary(customer),
        items: lines
          .sort((a, b) => a.id - b.id)
          .map((line) => ({ ...toItem(line), product: toProductSummary(product(line.productId)) })),
      };
    });
  }

  async recentOrdersWithDetails(query: RecentOrdersQuery, strategy: LoadStrategy): Promise<OrderDetails[]> {
    const valid = validate.recentOrders(query, strategy);
    return loadOrderDetails(this.m, valid.query, valid.strategy);
  }

  async listOrdersOffset(query: OffsetQuery): Promise<OffsetPage<Order>> {
    const { page, pageSize, ...filter } = validate.offsetQuery(query);
    const orders = await this.m.Order.findAll({
      where: orderWhere(filter),
      order: NEWEST_FIRST,
      limit: pageSize,
      offset: (page - 1) * pageSize,
    });
    return { items: orders.map(toOrder), page, pageSize };
  }

  async listOrdersKeyset(query: KeysetQuery): Promise<KeysetPage<Order>> {
    const { position, pageSize, ...filter } = validate.keysetQuery(query);
    const { fn, col, cast, where } = this.sequelize;
    const conditions: WhereOptions<models.Order>[] = [orderWhere(filter)];
    if (position) {
      // ROW(created_at, id) < ROW(CAST('...' AS TIMESTAMPTZ), id): the row-value comparison the (created_at
      // desc, id desc) index serves. The cursor's text is cast in SQL: as a value of the DATE attribute,
      // Sequelize would turn it into a millisecond Date first.
      conditions.push(
        where(
          fn('ROW', col('created_at'), col('id')),
          Op.lt,
          fn('ROW', cast(position.createdAt, 'timestamptz'), position.id),
        ),
      );
    }
    // one row more than the page tells whether a next page exists, without an extra round trip
    const orders = await this.m.Order.findAll({
      attributes: {
        // the exact created_at with microseconds for the cursor (a Date keeps milliseconds)
        include: [
          [fn('to_char', fn('timezone', 'UTC', col('created_at')), CURSOR_TIMESTAMP_FORMAT), 'cursorAt'],
        ],
      },
      where: { [Op.and]: conditions },
      order: NEWEST_FIRST,
      limit: pageSize + 1,
    });
    return keysetPage(orders, pageSize, toOrder, (o) => ({
      createdAt: o.get('cursorAt') as string,
      id: o.id,
    }));
  }

  async countOrders(filter: OrderFilter = {}): Promise<number> {
    return this.m.Order.count({ where: orderWhere(validate.orderFilter(filter)) });
  }

  async insertOrderItems(input: NewOrderItem[], method: BulkMethod): Promise<number> {
    const valid = validate.orderItems(input, method, SUPPORTED_BULK_METHODS);
    if (valid.rows.length === 0) return 0;
    return insertOrderItems(this.sequelize, this.m, valid.rows, valid.method);
  }

  async getAccount(id: number): Promise<Account> {
    validate.id(id);
    const account = await this.m.Account.findByPk(id);
    if (!account) throw new NotFoundError('account', id);
    return toAccount(account);
  }

  async transfer(input: TransferRequest): Promise<Transfer> {
    const request = validate.transfer(input);
    const { fromAccountId, toAccountId, amountCents, idempotencyKey } = request;
    const created = await withTransaction(this.sequelize, async (transaction) => {
      // Claim the key first: INSERT ... ON CONFLICT DO NOTHING RETURNING. A concurrent duplicate waits on the
      // unique index until the first transaction ends, then inserts nothing: no row comes back, the instance
      // keeps no id, and the replay below answers it. (create() takes ignoreDuplicates too, but throws
      // EmptyResultError for the missing row, and its typings say it returns nothing then.)
      const [transfer] = await this.m.Transfer.bulkCreate([request], { ignoreDuplicates: true, transaction });
      if (transfer?.id == null) return null;
      // FOR NO KEY UPDATE does not conflict with the KEY SHARE locks the foreign-key checks take (FOR UPDATE,
      // t.LOCK.UPDATE, does and deadlocks); id order makes transfers in both directions queue
      const accounts = await this.m.Account.findAll({
        attributes: ['id', 'balanceCents'],
        where: { id: { [Op.in]: [fromAccountId, toAccountId] } },
        order: [['id', 'ASC']],
        lock: transaction.LOCK.NO_KEY_UPDATE,
        transaction,
      });
      const from = accounts.find((a) => a.id === fromAccountId);
      const to = accounts.find((a) => a.id === toAccountId);
      if (!from) throw new NotFoundError('account', fromAccountId);
      if (!to) throw new NotFoundError('account', toAccountId);
      if (from.balanceCents < amountCents) throw new InsufficientFundsError(fromAccountId, amountCents);
      checkCredit(toAccountId, to.balanceCents, amountCents);
      // UPDATE accounts SET balance_cents = balance_cents + -n, version = version + 1 WHERE id = ...
      const move = (id: number, delta: number) =>
        this.m.Account.increment(
          { balanceCents: delta, version: 1 },
          { where: { id }, transaction, ...NO_RETURNING },
        );
      await move(fromAccountId, -amountCents);
      await move(toAccountId, amountCents);
      return toTransfer(transfer);
    });
    if (created) return created;
    const original = await this.m.Transfer.findOne({ where: { idempotencyKey } });
    if (!original) throw new Error(`transfer ${idempotencyKey} vanished after its key was claimed`);
    return replayedTransfer(toTransfer(original), request);
  }

  async close(): Promise<void> {
    await this.sequelize.close();
  }
}
