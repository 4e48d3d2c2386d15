import {
  type Account,
  type AdjustStrategy,
  type BulkMethod,
  CURSOR_TIMESTAMP_FORMAT,
  type Customer,
  checkCredit,
  chunks,
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
  type OrderStatus,
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
import { LockMode, type MikroORM, raw } from '@mikro-orm/postgresql';
import { insertOrderItems, SUPPORTED_BULK_METHODS } from './bulk';
import * as entities from './entities';
import { translateMikroOrmError } from './errors';
import { loadOrderDetails, NEWEST_FIRST } from './loading';
import { toAccount, toCustomer, toItem, toOrder, toProduct, toTransfer } from './rows';
import { adjustStock } from './stock';
import { withTransaction } from './transaction';

/** The optional order filter as a find condition (only the keys that are set). */
function orderWhere(filter: OrderFilter): { customer?: number; status?: OrderStatus } {
  return {
    ...(filter.customerId !== undefined && { customer: filter.customerId }),
    ...(filter.status !== undefined && { status: filter.status }),
  };
}

export class MikroOrmShopRepository implements ShopRepository {
  constructor(private readonly orm: MikroORM) {}

  /**
   * A fresh EntityManager with an empty identity map for each operation: the global one is never used, and
   * no entity read by one call can answer the next from memory.
   */
  private fork() {
    return this.orm.em.fork();
  }

  async createCustomer(input: NewCustomer): Promise<Customer> {
    const em = this.fork();
    const customer = em.create(entities.Customer, validate.newCustomer(input));
    try {
      // the unit of work's INSERT ... RETURNING "id", "created_at" (the defaultRaw column) fills the entity
      await em.flush();
    } catch (error) {
      throw translateMikroOrmError(error);
    }
    return toCustomer(customer);
  }

  async getCustomer(id: number): Promise<Customer> {
    validate.id(id);
    const customer = await this.fork().findOne(entities.Customer, { id, deletedAt: null });
    if (!customer) throw new NotFoundError('customer', id);
    return toCustomer(customer);
  }

  async findCustomerByEmail(email: string): Promise<Customer | null> {
    validate.email(email);
    // escape hatch: findCustomerByEmail: a case-insensitive match that the partial unique index on lower(email)
    // serves needs lower() on the column, and MikroORM has no such operator ($ilike neither uses that index nor
    // treats % and _ as plain characters): the key is raw((alias) => `lower(alias.email)`)
    const customer = await this.fork().findOne(entities.Customer, {
      [raw((alias) => `lower(${alias}.email)`)]: email.toLowerCase(),
      deletedAt: null,
    });
    return customer ? toCustomer(customer) : null;
  }

  async softDeleteCustomer(id: number): Promise<void> {
    validate.id(id);
    // escape hatch: softDeleteCustomer: deleted_at comes from the database clock, and MikroORM has no
    // now() of its own: raw('now()') as the value of a nativeUpdate
    const affected = await this.fork().nativeUpdate(
      entities.Customer,
      { id, deletedAt: null },
      { deletedAt: raw('now()') },
    );
    if (affected === 0) throw new NotFoundError('customer', id);
  }

  async getProduct(id: number): Promise<Product> {
    validate.id(id);
    const product = await this.fork().findOne(entities.Product, id);
    if (!product) throw new NotFoundError('product', id);
    return toProduct(product);
  }

  async updateProductPrice(input: PriceUpdate): Promise<Product> {
    const { id, priceCents, expectedVersion } = validate.priceUpdate(input);
    const em = this.fork();
    // escape hatch: updateProductPrice: MikroORM's version check needs the entity loaded first (a SELECT, then
    // UPDATE ... WHERE version = <loaded> at flush), and its QueryBuilder has no increment: the one
    // compare-and-set statement sets `version + 1` and `now()` as raw values
    const [row] = await em
      .createQueryBuilder(entities.Product)
      .update({ priceCents, version: raw('version + 1'), updatedAt: raw('now()') })
      .where({ id, version: expectedVersion })
      .returning(['id', 'sku', 'name', 'priceCents', 'stock', 'version', 'updatedAt'])
      .execute<entities.Product[]>('all');
    if (row) return toProduct(row);
    // the compare-and-set matched nothing: tell a missing row from a moved version
    if ((await em.count(entities.Product, { id })) === 0) throw new NotFoundError('product', id);
    throw new VersionConflictError('product', id, expectedVersion);
  }

  async upsertProducts(input: ProductUpsert[]): Promise<{ affected: number }> {
    const rows = validate.upsertProducts(input);
    if (rows.length === 0) return { affected: 0 };
    return withTransaction(this.orm, async (em) => {
      let affected = 0;
      // INSERT_CHUNK_ROWS rows a statement, as for the bulk insert
      for (const chunk of chunks(rows)) {
        // escape hatch: upsertProducts: upsertMany and merge(fields) only write `column = excluded.column`;
        // the version bump and updated_at are raw values in merge({ ... })
        const result = await em
          .createQueryBuilder(entities.Product)
          .insert(chunk)
          .onConflict('sku')
          .merge({
            name: raw('excluded.name'),
            priceCents: raw('excluded.price_cents'),
            stock: raw('excluded.stock'),
            version: raw('products.version + 1'),
            updatedAt: raw('now()'),
          })
          .execute('run');
        affected += result.affectedRows;
      }
      return { affected };
    });
  }

  async adjustStock(input: StockAdjustment, strategy: AdjustStrategy): Promise<StockAdjustmentResult> {
    const { productId, delta, strategy: s } = validate.stockAdjustment(input, strategy);
    return adjustStock(this.orm, productId, delta, s);
  }

  async createOrder(input: NewOrder): Promise<OrderDetails> {
    const { customerId, items } = validate.newOrder(input);
    const productIds = items.map((i) => i.productId);
    return withTransaction(this.orm, async (em) => {
      const customer = await em.findOne(
        entities.Customer,
        { id: customerId, deletedAt: null },
        { fields: ['id', 'email', 'name'] },
      );
      if (!customer) throw new NotFoundError('customer', customerId);
      // lock in id order so concurrent orders over the same products cannot deadlock
      const locked = await em.find(
        entities.Product,
        { id: { $in: productIds } },
        { orderBy: { id: 'asc' }, lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      const products = new Map(locked.map((p) => [p.id, p]));
      for (const item of [...items].sort((a, b) => a.productId - b.productId)) {
        const product = products.get(item.productId);
        if (!product) throw new NotFoundError('product', item.productId);
        if (product.stock < item.quantity)
          throw new InsufficientStockError(item.productId, item.quantity, product.stock);
      }
      const product = (id: number) => products.get(id)!;
      // the unit of work: the locked, managed products are changed in memory and written at flush
      for (const item of items) product(item.productId).stock -= item.quantity;
      const totalCents = items.reduce((sum, i) => sum + i.quantity * product(i.productId).priceCents, 0);
      // created_at is left out of the INSERT: the column default (now()) fills it and RETURNING reads it back
      const order = em.create(entities.Order, { customer, status: 'pending', totalCents });
      const lines = items.map((i) =>
        em.create(entities.OrderItem, {
          order,
          product: product(i.productId),
          quantity: i.quantity,
          unitPriceCents: product(i.productId).priceCents,
        }),
      );
      // one flush, in dependency order: the order (INSERT ... RETURNING "id", "created_at"), its items in one
      // multi-row INSERT (RETURNING "id" in input order), then one UPDATE of every locked product's stock
      // (CASE WHEN id = ... THEN ...), inside this transaction
      await em.flush();
      return {
        ...toOrder(order),
        customer: { id: customer.id, email: customer.email, name: customer.name },
        items: lines
          .sort((a, b) => a.id - b.id)
          .map((line) => {
            const p = product(line.product.id);
            return { ...toItem(line), product: { id: p.id, sku: p.sku, name: p.name } };
          }),
      };
    });
  }

  async recentOrdersWithDetails(query: RecentOrdersQuery, strategy: LoadStrategy): Promise<OrderDetails[]> {
    const valid = validate.recentOrders(query, strategy);
    return loadOrderDetails(this.fork(), valid.query, valid.strategy);
  }

  async listOrdersOffset(query: OffsetQuery): Promise<OffsetPage<Order>> {
    const { page, pageSize, ...filter } = validate.offsetQuery(query);
    const orders = await this.fork().find(entities.Order, orderWhere(filter), {
      orderBy: NEWEST_FIRST,
      offset: (page - 1) * pageSize,
      limit: pageSize,
    });
    return { items: orders.map(toOrder), page, pageSize };
  }

  async listOrdersKeyset(query: KeysetQuery): Promise<KeysetPage<Order>> {
    const { position, pageSize, ...filter } = validate.keysetQuery(query);
    const em = this.fork();
    // escape hatch: listOrdersKeyset: em.findByCursor compares `created_at <= x AND (created_at < x OR id < y)`
    // with a millisecond Date, which neither is exact nor lets the index serve the row-value order; the
    // row-value predicate and the microsecond text of created_at for the cursor are raw fragments
    const select = em
      .createQueryBuilder(entities.Order, 'o')
      .select([
        '*',
        raw(`to_char(o.created_at AT TIME ZONE 'UTC', ?) AS cursor_at`, [CURSOR_TIMESTAMP_FORMAT]),
      ])
      .where(orderWhere(filter));
    if (position) {
      select.andWhere('(o.created_at, o.id) < (?::timestamptz, ?)', [position.createdAt, position.id]);
    }
    // one row more than the page tells whether a next page exists (keysetPage)
    const rows = await select
      .orderBy(NEWEST_FIRST)
      .limit(pageSize + 1)
      .execute<Array<entities.Order & { cursor_at: string }>>('all');
    return keysetPage(
      rows,
      pageSize,
      (row) => toOrder(em.map(entities.Order, row)),
      (row) => ({ createdAt: row.cursor_at, id: row.id }),
    );
  }

  async countOrders(filter: OrderFilter = {}): Promise<number> {
    return this.fork().count(entities.Order, orderWhere(validate.orderFilter(filter)));
  }

  async insertOrderItems(input: NewOrderItem[], method: BulkMethod): Promise<number> {
    const valid = validate.orderItems(input, method, SUPPORTED_BULK_METHODS);
    if (valid.rows.length === 0) return 0;
    try {
      return await insertOrderItems(this.orm, valid.rows, valid.method);
    } catch (error) {
      throw translateMikroOrmError(error);
    }
  }

  async getAccount(id: number): Promise<Account> {
    validate.id(id);
    const account = await this.fork().findOne(entities.Account, id);
    if (!account) throw new NotFoundError('account', id);
    return toAccount(account);
  }

  async transfer(input: TransferRequest): Promise<Transfer> {
    const request = validate.transfer(input);
    const { fromAccountId, toAccountId, amountCents, idempotencyKey } = request;
    try {
      const created = await withTransaction(this.orm, async (em) => {
        // Lock both accounts first, in id order, so transfers in both directions queue instead of
        // deadlocking. LockMode has no FOR NO KEY UPDATE; FOR UPDATE also conflicts with the KEY SHARE lock
        // the foreign-key check of the transfer row takes, so the row is inserted only after the locks.
        const accounts = await em.find(
          entities.Account,
          { id: { $in: [fromAccountId, toAccountId] } },
          { orderBy: { id: 'asc' }, lockMode: LockMode.PESSIMISTIC_WRITE },
        );
        const from = accounts.find((a) => a.id === fromAccountId);
        if (!from) throw new NotFoundError('account', fromAccountId);
        const to = accounts.find((a) => a.id === toAccountId);
        if (!to) throw new NotFoundError('account', toAccountId);
        // Claim the key: a concurrent duplicate has waited on the account locks, and now inserts nothing and
        // falls through to the replay below.
        const [claim] = await em
          .createQueryBuilder(entities.Transfer)
          .insert({ fromAccount: fromAccountId, toAccount: toAccountId, amountCents, idempotencyKey })
          .onConflict('idempotencyKey')
          .ignore()
          .returning(['id', 'createdAt'])
          .execute<Array<{ id: number; createdAt: Date }>>('all');
        if (!claim) return null;
        if (from.balanceCents < amountCents) throw new InsufficientFundsError(fromAccountId, amountCents);
        checkCredit(toAccountId, to.balanceCents, amountCents);
        // the unit of work writes both balances at flush, with Account's version check and bump
        from.balanceCents -= amountCents;
        to.balanceCents += amountCents;
        return { ...request, ...claim };
      });
      if (created) return created;
    } catch (error) {
      throw translateMikroOrmError(error);
    }
    const original = await this.fork().findOneOrFail(entities.Transfer, { idempotencyKey });
    return replayedTransfer(toTransfer(original), request);
  }

  async close(): Promise<void> {
    await this.orm.close(true);
  }
}
