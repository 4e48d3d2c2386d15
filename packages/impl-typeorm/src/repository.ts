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
  translateError,
  VersionConflictError,
  validate,
} from '@dal/core';
import { type DataSource, type FindOptionsWhere, In } from 'typeorm';
import { insertOrderItems, SUPPORTED_BULK_METHODS } from './bulk';
import * as entities from './entities';
import { loadOrderDetails } from './loading';
import {
  CUSTOMER_SUMMARY,
  entityFromRow,
  toAccount,
  toCustomer,
  toItem,
  toOrder,
  toProduct,
  toTransfer,
} from './rows';
import { adjustStock } from './stock';
import { withTransaction } from './transaction';
import { UPSERT_CHUNK, upsertChunk } from './upsert';

const NEWEST_FIRST = { createdAt: 'DESC', id: 'DESC' } as const;

/** The optional order filter as a find condition (only the keys that are set). */
function orderWhere(filter: OrderFilter): FindOptionsWhere<entities.Order> {
  return {
    ...(filter.customerId !== undefined && { customerId: filter.customerId }),
    ...(filter.status !== undefined && { status: filter.status }),
  };
}

export class TypeOrmShopRepository implements ShopRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get manager() {
    return this.dataSource.manager;
  }

  async createCustomer(input: NewCustomer): Promise<Customer> {
    const customer = this.manager.create(entities.Customer, validate.newCustomer(input));
    try {
      // insert() rather than save(): no SELECT first, and RETURNING "id", "created_at" fills the entity
      await this.manager.insert(entities.Customer, customer);
    } catch (error) {
      throw translateError(error);
    }
    return toCustomer(customer);
  }

  async getCustomer(id: number): Promise<Customer> {
    validate.id(id);
    // the @DeleteDateColumn makes find skip soft-deleted customers
    const customer = await this.manager.findOneBy(entities.Customer, { id });
    if (!customer) throw new NotFoundError('customer', id);
    return toCustomer(customer);
  }

  async findCustomerByEmail(email: string): Promise<Customer | null> {
    validate.email(email);
    // escape hatch: findCustomerByEmail: TypeORM has no lower() (its Raw() operator takes SQL text too);
    // lower(email) matches the partial unique index customers_email_live_key; ILike would treat % and _ as
    // wildcards
    const customer = await this.manager
      .createQueryBuilder(entities.Customer, 'c')
      .where('lower(c.email) = lower(:email)', { email })
      .getOne();
    return customer ? toCustomer(customer) : null;
  }

  async softDeleteCustomer(id: number): Promise<void> {
    validate.id(id);
    // softDelete() adds `deleted_at IS NULL` itself, so a second delete affects no row
    const { affected } = await this.manager.softDelete(entities.Customer, { id });
    if (affected === 0) throw new NotFoundError('customer', id);
  }

  async getProduct(id: number): Promise<Product> {
    validate.id(id);
    const product = await this.manager.findOneBy(entities.Product, { id });
    if (!product) throw new NotFoundError('product', id);
    return toProduct(product);
  }

  async updateProductPrice(input: PriceUpdate): Promise<Product> {
    const { id, priceCents, expectedVersion } = validate.priceUpdate(input);
    // the check is in the UPDATE itself: TypeORM's optimistic lock only compares versions on read
    // escape hatch: updateProductPrice: set() takes SQL text for expressions: () => 'version + 1', 'now()'
    const { raw } = await this.manager
      .createQueryBuilder()
      .update(entities.Product)
      .set({ priceCents, version: () => 'version + 1', updatedAt: () => 'now()' })
      .where({ id, version: expectedVersion })
      .returning('*')
      .execute();
    if (raw[0]) return toProduct(entityFromRow(this.manager, entities.Product, raw[0]));
    // the compare-and-set matched nothing: tell a missing row from a moved version
    if (!(await this.manager.existsBy(entities.Product, { id }))) throw new NotFoundError('product', id);
    throw new VersionConflictError('product', id, expectedVersion);
  }

  async upsertProducts(input: ProductUpsert[]): Promise<{ affected: number }> {
    const rows = validate.upsertProducts(input);
    if (rows.length === 0) return { affected: 0 };
    return withTransaction(this.dataSource, async (em) => {
      let affected = 0;
      for (let start = 0; start < rows.length; start += UPSERT_CHUNK) {
        affected += await upsertChunk(em, rows.slice(start, start + UPSERT_CHUNK));
      }
      return { affected };
    });
  }

  async adjustStock(input: StockAdjustment, strategy: AdjustStrategy): Promise<StockAdjustmentResult> {
    const { productId, delta, strategy: s } = validate.stockAdjustment(input, strategy);
    return adjustStock(this.dataSource, productId, delta, s);
  }

  async createOrder(input: NewOrder): Promise<OrderDetails> {
    const { customerId, items } = validate.newOrder(input);
    const sorted = [...items].sort((a, b) => a.productId - b.productId);
    return withTransaction(this.dataSource, async (em) => {
      const customer = await em.findOne(entities.Customer, {
        select: CUSTOMER_SUMMARY,
        where: { id: customerId },
      });
      if (!customer) throw new NotFoundError('customer', customerId);
      // lock in id order so concurrent orders over the same products cannot deadlock
      const locked = await em.find(entities.Product, {
        select: { id: true, sku: true, name: true, priceCents: true, stock: true },
        where: { id: In(sorted.map((i) => i.productId)) },
        order: { id: 'ASC' },
        lock: { mode: 'for_no_key_update' },
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
        // escape hatch: createOrder: set() takes SQL text for expressions: () => 'stock - :quantity' (a bound
        // parameter, where em.decrement() would write the number into the SQL text), and the order's
        // createdAt () => 'now()', the database clock
        await em
          .createQueryBuilder()
          .update(entities.Product)
          .set({ stock: () => 'stock - :quantity' })
          .where({ id: item.productId })
          .setParameter('quantity', item.quantity)
          .execute();
      }
      const values = {
        customerId,
        status: 'pending' as const,
        totalCents: items.reduce((sum, i) => sum + i.quantity * product(i.productId).priceCents, 0),
      };
      // created_at is the database's now(), read back with the id: RETURNING "id", "created_at"
      const { generatedMaps } = await em
        .createQueryBuilder()
        .insert()
        .into(entities.Order)
        .values({ ...values, createdAt: () => 'now()' })
        .returning(['id', 'createdAt'])
        .execute();
      const order = em.create(entities.Order, { ...values, ...generatedMaps[0] });
      const lines = items.map((i) =>
        em.create(entities.OrderItem, {
          orderId: order.id,
          productId: i.productId,
          quantity: i.quantity,
          unitPriceCents: product(i.productId).priceCents,
        }),
      );
      // one multi-row INSERT in input order; its RETURNING "id" fills in each entity's id
      await em.insert(entities.OrderItem, lines);
      return {
        ...toOrder(order),
        customer: { id: customer.id, email: customer.email, name: customer.name },
        items: lines
          .sort((a, b) => a.id - b.id)
          .map((line) => {
            const p = product(line.productId);
            return { ...toItem(line), product: { id: p.id, sku: p.sku, name: p.name } };
          }),
      };
    });
  }

  async recentOrdersWithDetails(query: RecentOrdersQuery, strategy: LoadStrategy): Promise<OrderDetails[]> {
    const valid = validate.recentOrders(query, strategy);
    return loadOrderDetails(this.manager, valid.query, valid.strategy);
  }

  async listOrdersOffset(query: OffsetQuery): Promise<OffsetPage<Order>> {
    const { page, pageSize, ...filter } = validate.offsetQuery(query);
    // without relations, skip/take become OFFSET/LIMIT of the one statement
    const orders = await this.manager.find(entities.Order, {
      where: orderWhere(filter),
      order: NEWEST_FIRST,
      skip: (page - 1) * pageSize,
      take: pageSize,
    });
    return { items: orders.map(toOrder), page, pageSize };
  }

  async listOrdersKeyset(query: KeysetQuery): Promise<KeysetPage<Order>> {
    const { position, pageSize, ...filter } = validate.keysetQuery(query);
    // escape hatch: listOrdersKeyset: no to_char() and no row-value comparison in TypeORM: the cursor's exact
    // microsecond text is a select expression, and `(created_at, id) < (...)` (what lets the (created_at
    // desc, id desc) index serve the page) a where string
    const select = this.manager
      .createQueryBuilder(entities.Order, 'o')
      .addSelect(`to_char(o.createdAt AT TIME ZONE 'UTC', :format)`, 'cursor_at')
      .setParameter('format', CURSOR_TIMESTAMP_FORMAT)
      .where(orderWhere(filter));
    if (position) {
      select.andWhere('(o.createdAt, o.id) < (:createdAt::timestamptz, :id)', position);
    }
    // one row more than the page tells whether a next page exists, without an extra round trip
    const { entities: orders, raw } = await select
      .orderBy('o.createdAt', 'DESC')
      .addOrderBy('o.id', 'DESC')
      .limit(pageSize + 1)
      .getRawAndEntities<{ cursor_at: string }>();
    // without joins, raw row i is entity i
    const rows = orders.map((order, i) => ({ order, cursorAt: raw[i]!.cursor_at }));
    return keysetPage(
      rows,
      pageSize,
      (r) => toOrder(r.order),
      (r) => ({ createdAt: r.cursorAt, id: r.order.id }),
    );
  }

  async countOrders(filter: OrderFilter = {}): Promise<number> {
    return this.manager.countBy(entities.Order, orderWhere(validate.orderFilter(filter)));
  }

  async insertOrderItems(input: NewOrderItem[], method: BulkMethod): Promise<number> {
    const valid = validate.orderItems(input, method, SUPPORTED_BULK_METHODS);
    if (valid.rows.length === 0) return 0;
    try {
      return await insertOrderItems(this.dataSource, valid.rows, valid.method);
    } catch (error) {
      throw translateError(error);
    }
  }

  async getAccount(id: number): Promise<Account> {
    validate.id(id);
    const account = await this.manager.findOneBy(entities.Account, { id });
    if (!account) throw new NotFoundError('account', id);
    return toAccount(account);
  }

  async transfer(input: TransferRequest): Promise<Transfer> {
    const request = validate.transfer(input);
    const { fromAccountId, toAccountId, amountCents, idempotencyKey } = request;
    try {
      const created = await withTransaction(this.dataSource, async (em) => {
        // Claim the key first: a concurrent duplicate waits here on the unique index until the first
        // transaction ends, then inserts nothing and falls through to the replay below.
        const transfer = em.create(entities.Transfer, request);
        const claim = await em
          .createQueryBuilder()
          .insert()
          .into(entities.Transfer)
          .values(transfer)
          .orIgnore()
          .execute();
        if (claim.raw.length === 0) return null;
        // FOR NO KEY UPDATE does not conflict with the KEY SHARE locks the foreign-key checks take (FOR UPDATE,
        // TypeORM's 'pessimistic_write', does and deadlocks); id order makes opposite transfers queue
        const accounts = await em.find(entities.Account, {
          where: { id: In([fromAccountId, toAccountId]) },
          order: { id: 'ASC' },
          lock: { mode: 'for_no_key_update' },
        });
        const from = accounts.find((a) => a.id === fromAccountId);
        if (!from) throw new NotFoundError('account', fromAccountId);
        if (from.balanceCents < amountCents) throw new InsufficientFundsError(fromAccountId, amountCents);
        const to = accounts.find((a) => a.id === toAccountId);
        // the credit must leave a balance the contract's numbers hold exactly
        if (to) checkCredit(toAccountId, to.balanceCents, amountCents);
        // escape hatch: transfer: set() takes SQL text for expressions: balance_cents -/+ :amount, version + 1
        const move = (id: number, sign: '-' | '+') =>
          em
            .createQueryBuilder()
            .update(entities.Account)
            .set({ balanceCents: () => `balance_cents ${sign} :amount`, version: () => 'version + 1' })
            .where({ id })
            .setParameter('amount', amountCents)
            .execute();
        await move(fromAccountId, '-');
        await move(toAccountId, '+');
        return toTransfer(transfer);
      });
      if (created) return created;
    } catch (error) {
      throw translateError(error);
    }
    const original = toTransfer(await this.manager.findOneByOrFail(entities.Transfer, { idempotencyKey }));
    return replayedTransfer(original, request);
  }

  async close(): Promise<void> {
    await this.dataSource.destroy();
  }
}
