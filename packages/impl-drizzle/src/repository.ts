import {
  type Account,
  type AdjustStrategy,
  type BulkMethod,
  CURSOR_TIMESTAMP_FORMAT,
  type Customer,
  checkCredit,
  exactCents,
  INSERT_CHUNK_ROWS,
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
  type RepositoryOptions,
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
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type pg from 'pg';
import { insertOrderItems, SUPPORTED_BULK_METHODS } from './bulk';
import {
  customerColumns,
  customerSummaryColumns,
  itemColumns,
  orderColumns,
  productColumns,
  transferColumns,
} from './columns';
import { connect, type Db, endPool } from './db';
import { excluded, now, plusOne, plusPerRow } from './expressions';
import { loadOrderDetails } from './loading';
import { newestFirst, orderFilter } from './order-filter';
import { type PointReads, preparePointReads } from './point-reads';
import { accounts, customers, orderItems, orders, products, transfers } from './schema';
import { adjustStock } from './stock';
import { withTransaction } from './transaction';

const UPSERT_CHUNK = INSERT_CHUNK_ROWS;

export class DrizzleShopRepository implements ShopRepository {
  private readonly pool: pg.Pool;
  private readonly db: Db;

  private readonly reads: PointReads;

  constructor(options: RepositoryOptions) {
    ({ pool: this.pool, db: this.db } = connect(options));
    this.reads = preparePointReads(this.db, options.preparedStatements ?? false);
  }

  async createCustomer(input: NewCustomer): Promise<Customer> {
    const values = validate.newCustomer(input);
    try {
      const [customer] = await this.db.insert(customers).values(values).returning(customerColumns);
      return customer!;
    } catch (error) {
      throw translateError(error);
    }
  }

  async getCustomer(id: number): Promise<Customer> {
    validate.id(id);
    const [customer] = await this.reads.customer.execute({ id });
    if (!customer) throw new NotFoundError('customer', id);
    return customer;
  }

  async findCustomerByEmail(email: string): Promise<Customer | null> {
    validate.email(email);
    const [customer] = await this.reads.customerByEmail.execute({ email });
    return customer ?? null;
  }

  async softDeleteCustomer(id: number): Promise<void> {
    validate.id(id);
    const { rowCount } = await this.db
      .update(customers)
      // escape hatch: softDeleteCustomer: Drizzle has no now(); sql`now()` takes the database clock
      .set({ deletedAt: now() })
      .where(and(eq(customers.id, id), isNull(customers.deletedAt)));
    if (rowCount === 0) throw new NotFoundError('customer', id);
  }

  async getProduct(id: number): Promise<Product> {
    validate.id(id);
    const [product] = await this.reads.product.execute({ id });
    if (!product) throw new NotFoundError('product', id);
    return product;
  }

  async updateProductPrice(input: PriceUpdate): Promise<Product> {
    const { id, priceCents, expectedVersion } = validate.priceUpdate(input);
    const [updated] = await this.db
      .update(products)
      // escape hatch: updateProductPrice: Drizzle has no increment or now(): sql`version + 1` and sql`now()`
      .set({ priceCents, version: plusOne(products.version), updatedAt: now() })
      .where(and(eq(products.id, id), eq(products.version, expectedVersion)))
      .returning(productColumns);
    if (updated) return updated;
    // the compare-and-set matched nothing: tell a missing row from a moved version
    const [exists] = await this.db.select({ id: products.id }).from(products).where(eq(products.id, id));
    if (!exists) throw new NotFoundError('product', id);
    throw new VersionConflictError('product', id, expectedVersion);
  }

  async upsertProducts(input: ProductUpsert[]): Promise<{ affected: number }> {
    const rows = validate.upsertProducts(input);
    if (rows.length === 0) return { affected: 0 };
    return withTransaction(this.db, async (tx) => {
      let affected = 0;
      for (let start = 0; start < rows.length; start += UPSERT_CHUNK) {
        const result = await tx
          .insert(products)
          .values(rows.slice(start, start + UPSERT_CHUNK))
          // escape hatch: upsertProducts: Drizzle's upsert guide writes sql`excluded.<column>`; the version bump
          // and now() are sql fragments too (no increment or now() builder)
          .onConflictDoUpdate({
            target: products.sku,
            set: {
              name: excluded(products.name),
              priceCents: excluded(products.priceCents),
              stock: excluded(products.stock),
              version: plusOne(products.version),
              updatedAt: now(),
            },
          });
        affected += result.rowCount ?? 0;
      }
      return { affected };
    });
  }

  async adjustStock(input: StockAdjustment, strategy: AdjustStrategy): Promise<StockAdjustmentResult> {
    const { productId, delta, strategy: s } = validate.stockAdjustment(input, strategy);
    return adjustStock(this.db, productId, delta, s);
  }

  async createOrder(input: NewOrder): Promise<OrderDetails> {
    const { customerId, items } = validate.newOrder(input);
    return withTransaction(this.db, async (tx) => {
      const [customer] = await tx
        .select(customerSummaryColumns)
        .from(customers)
        .where(and(eq(customers.id, customerId), isNull(customers.deletedAt)));
      if (!customer) throw new NotFoundError('customer', customerId);
      // lock in id order so concurrent orders over the same products cannot deadlock
      const locked = await tx
        .select({
          id: products.id,
          sku: products.sku,
          name: products.name,
          priceCents: products.priceCents,
          stock: products.stock,
        })
        .from(products)
        .where(
          inArray(
            products.id,
            items.map((i) => i.productId),
          ),
        )
        .orderBy(asc(products.id))
        .for('no key update');
      const byId = new Map(locked.map((p) => [p.id, p]));
      for (const item of [...items].sort((a, b) => a.productId - b.productId)) {
        const product = byId.get(item.productId);
        if (!product) throw new NotFoundError('product', item.productId);
        if (product.stock < item.quantity)
          throw new InsufficientStockError(item.productId, item.quantity, product.stock);
      }
      const decrements = new Map(items.map((i) => [i.productId, -i.quantity]));
      // escape hatch: createOrder: no CASE builder, so one UPDATE gives each product its own decrement with
      // sql`stock + CASE id WHEN ... END` (Drizzle's guide "update many with different values"); the order's
      // created_at is sql`now()`, the database clock
      await tx
        .update(products)
        .set({ stock: plusPerRow(products.stock, products.id, decrements, 'int') })
        .where(inArray(products.id, [...decrements.keys()]));
      const price = (productId: number) => byId.get(productId)!.priceCents;
      const [order] = await tx
        .insert(orders)
        .values({
          customerId,
          status: 'pending',
          totalCents: items.reduce((sum, i) => sum + i.quantity * price(i.productId), 0),
          createdAt: now(),
        })
        .returning(orderColumns);
      // a multi-row VALUES inserts, and so numbers, the rows in input order
      const inserted = await tx
        .insert(orderItems)
        .values(
          items.map((i) => ({
            orderId: order!.id,
            productId: i.productId,
            quantity: i.quantity,
            unitPriceCents: price(i.productId),
          })),
        )
        .returning(itemColumns);
      return {
        ...order!,
        customer,
        items: inserted
          .sort((a, b) => a.id - b.id)
          .map((item) => {
            const { id, sku, name } = byId.get(item.productId)!;
            return { ...item, product: { id, sku, name } };
          }),
      };
    });
  }

  async recentOrdersWithDetails(query: RecentOrdersQuery, strategy: LoadStrategy): Promise<OrderDetails[]> {
    const valid = validate.recentOrders(query, strategy);
    return loadOrderDetails(this.db, valid.query, valid.strategy);
  }

  async listOrdersOffset(query: OffsetQuery): Promise<OffsetPage<Order>> {
    const { page, pageSize, ...filter } = validate.offsetQuery(query);
    const items = await this.db
      .select(orderColumns)
      .from(orders)
      .where(orderFilter(filter))
      .orderBy(...newestFirst)
      .limit(pageSize)
      .offset((page - 1) * pageSize);
    return { items, page, pageSize };
  }

  async listOrdersKeyset(query: KeysetQuery): Promise<KeysetPage<Order>> {
    const { position, pageSize, ...filter } = validate.keysetQuery(query);
    // escape hatch: listOrdersKeyset: Drizzle has no row-value (tuple) comparison, which is what lets the
    // (created_at desc, id desc) index serve the page (`a < x OR (a = x AND id < y)` is no index condition),
    // and no to_char(), which the cursor needs for created_at's exact microsecond text
    const after = position
      ? sql`(${orders.createdAt}, ${orders.id}) < (${position.createdAt}::timestamptz, ${position.id}::int)`
      : undefined;
    // one row more than the page tells whether a next page exists, without an extra round trip
    const rows = await this.db
      .select({
        ...orderColumns,
        cursorAt: sql<string>`to_char(${orders.createdAt} AT TIME ZONE 'UTC', ${CURSOR_TIMESTAMP_FORMAT})`,
      })
      .from(orders)
      .where(orderFilter(filter, after))
      .orderBy(...newestFirst)
      .limit(pageSize + 1);
    return keysetPage(
      rows,
      pageSize,
      ({ cursorAt: _, ...order }) => order,
      (r) => ({ createdAt: r.cursorAt, id: r.id }),
    );
  }

  async countOrders(filter: OrderFilter = {}): Promise<number> {
    return this.db.$count(orders, orderFilter(validate.orderFilter(filter)));
  }

  async insertOrderItems(input: NewOrderItem[], method: BulkMethod): Promise<number> {
    const valid = validate.orderItems(input, method, SUPPORTED_BULK_METHODS);
    if (valid.rows.length === 0) return 0;
    try {
      return await insertOrderItems(this.db, this.pool, valid.rows, valid.method);
    } catch (error) {
      throw translateError(error);
    }
  }

  async getAccount(id: number): Promise<Account> {
    validate.id(id);
    const [account] = await this.reads.account.execute({ id });
    if (!account) throw new NotFoundError('account', id);
    return account;
  }

  async transfer(input: TransferRequest): Promise<Transfer> {
    const request = validate.transfer(input);
    const { fromAccountId, toAccountId, amountCents, idempotencyKey } = request;
    try {
      const created = await withTransaction(this.db, async (tx) => {
        // Claim the key first: a concurrent duplicate waits here on the unique index until the first
        // transaction ends, then inserts nothing and falls through to the replay below.
        const [claim] = await tx
          .insert(transfers)
          .values(request)
          .onConflictDoNothing({ target: transfers.idempotencyKey })
          .returning(transferColumns);
        if (!claim) return null;
        // FOR NO KEY UPDATE does not conflict with the KEY SHARE locks the foreign-key checks take;
        // id order makes transfers in both directions queue instead of deadlocking
        const locked = await tx
          .select({ id: accounts.id, balanceCents: accounts.balanceCents })
          .from(accounts)
          .where(inArray(accounts.id, [fromAccountId, toAccountId]))
          .orderBy(asc(accounts.id))
          .for('no key update');
        const from = locked.find((a) => a.id === fromAccountId);
        if (!from) throw new NotFoundError('account', fromAccountId);
        if (exactCents(from.balanceCents, 'balance') < amountCents)
          throw new InsufficientFundsError(fromAccountId, amountCents);
        const to = locked.find((a) => a.id === toAccountId);
        // the credit must leave a balance the contract's numbers hold exactly
        if (to) checkCredit(toAccountId, exactCents(to.balanceCents, 'balance'), amountCents);
        // escape hatch: transfer: no CASE builder or increment: one UPDATE moves the money with
        // sql`balance_cents + CASE id WHEN ... END` and bumps sql`version + 1`
        const delta = new Map([
          [fromAccountId, -amountCents],
          [toAccountId, amountCents],
        ]);
        await tx
          .update(accounts)
          .set({
            balanceCents: plusPerRow(accounts.balanceCents, accounts.id, delta, 'bigint'),
            version: plusOne(accounts.version),
          })
          .where(inArray(accounts.id, [fromAccountId, toAccountId]));
        return claim;
      });
      if (created) return created;
    } catch (error) {
      throw translateError(error);
    }
    const [original] = await this.db
      .select(transferColumns)
      .from(transfers)
      .where(eq(transfers.idempotencyKey, idempotencyKey));
    return replayedTransfer(original!, request);
  }

  async close(): Promise<void> {
    await endPool(this.pool);
  }
}
