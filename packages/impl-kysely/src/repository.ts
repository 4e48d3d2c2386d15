import {
  type Account,
  type AdjustStrategy,
  type BulkMethod,
  CURSOR_TIMESTAMP_FORMAT,
  type Customer,
  checkCredit,
  DEFAULT_ACQUIRE_TIMEOUT_MS,
  DEFAULT_STATEMENT_TIMEOUT_MS,
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
import { Kysely, PostgresDialect, type SelectQueryBuilder, sql } from 'kysely';
import pg from 'pg';
import { insertOrderItems, SUPPORTED_BULK_METHODS } from './bulk';
import type { Database } from './database';
import { loadOrderDetails } from './loading';
import {
  ACCOUNT_COLUMNS,
  CUSTOMER_COLUMNS,
  ITEM_COLUMNS,
  ORDER_COLUMNS,
  PRODUCT_COLUMNS,
  TRANSFER_COLUMNS,
  toAccount,
  toCustomer,
  toItem,
  toOrder,
  toProduct,
  toTransfer,
} from './rows';
import { adjustStock } from './stock';
import { transactionAwarePool, withTransaction } from './transaction';

const UPSERT_CHUNK = INSERT_CHUNK_ROWS;

/** The optional order filter, on any select from orders. */
function whereOrders<O>(qb: SelectQueryBuilder<Database, 'orders', O>, filter: OrderFilter) {
  let filtered = qb;
  if (filter.customerId !== undefined) filtered = filtered.where('customer_id', '=', filter.customerId);
  if (filter.status !== undefined) filtered = filtered.where('status', '=', filter.status);
  return filtered;
}

export class KyselyShopRepository implements ShopRepository {
  private readonly db: Kysely<Database>;

  constructor(options: RepositoryOptions) {
    const pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.poolSize,
      connectionTimeoutMillis: options.acquireTimeoutMs ?? DEFAULT_ACQUIRE_TIMEOUT_MS,
      // sent in each connection's startup packet: the server cancels a longer statement (57014)
      statement_timeout: options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
    });
    // an idle client whose connection the server ends (restart, pg_terminate_backend) is reported on the
    // pool; without a listener that is an uncaught exception that ends the process. The pool replaces it.
    pool.on('error', () => {});
    // the same for a checked-out client: the statement in flight fails with the error, which then is also
    // emitted on the client, where the pool does not listen while it is checked out
    pool.on('connect', (client) => client.on('error', () => {}));
    this.db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: transactionAwarePool(pool) }) });
  }

  async createCustomer(input: NewCustomer): Promise<Customer> {
    const { email, name } = validate.newCustomer(input);
    try {
      const row = await this.db
        .insertInto('customers')
        .values({ email, name })
        .returning(CUSTOMER_COLUMNS)
        .executeTakeFirstOrThrow();
      return toCustomer(row);
    } catch (error) {
      throw translateError(error);
    }
  }

  async getCustomer(id: number): Promise<Customer> {
    validate.id(id);
    const row = await this.db
      .selectFrom('customers')
      .select(CUSTOMER_COLUMNS)
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (!row) throw new NotFoundError('customer', id);
    return toCustomer(row);
  }

  async findCustomerByEmail(email: string): Promise<Customer | null> {
    validate.email(email);
    // lower(email) matches the partial unique index customers_email_live_key
    const row = await this.db
      .selectFrom('customers')
      .select(CUSTOMER_COLUMNS)
      .where((eb) => eb(eb.fn('lower', ['email']), '=', eb.fn('lower', [eb.val(email)])))
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return row ? toCustomer(row) : null;
  }

  async softDeleteCustomer(id: number): Promise<void> {
    validate.id(id);
    const result = await this.db
      .updateTable('customers')
      .set((eb) => ({ deleted_at: eb.fn<Date>('now') }))
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw new NotFoundError('customer', id);
  }

  async getProduct(id: number): Promise<Product> {
    validate.id(id);
    const row = await this.db
      .selectFrom('products')
      .select(PRODUCT_COLUMNS)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new NotFoundError('product', id);
    return toProduct(row);
  }

  async updateProductPrice(input: PriceUpdate): Promise<Product> {
    const { id, priceCents, expectedVersion } = validate.priceUpdate(input);
    const row = await this.db
      .updateTable('products')
      .set((eb) => ({
        price_cents: priceCents,
        version: eb('version', '+', 1),
        updated_at: eb.fn<Date>('now'),
      }))
      .where('id', '=', id)
      .where('version', '=', expectedVersion)
      .returning(PRODUCT_COLUMNS)
      .executeTakeFirst();
    if (row) return toProduct(row);
    // the compare-and-set matched nothing: tell a missing row from a moved version
    const exists = await this.db.selectFrom('products').select('id').where('id', '=', id).executeTakeFirst();
    if (!exists) throw new NotFoundError('product', id);
    throw new VersionConflictError('product', id, expectedVersion);
  }

  async upsertProducts(input: ProductUpsert[]): Promise<{ affected: number }> {
    const rows = validate.upsertProducts(input);
    if (rows.length === 0) return { affected: 0 };
    return withTransaction(this.db, async (trx) => {
      let affected = 0;
      for (let start = 0; start < rows.length; start += UPSERT_CHUNK) {
        const result = await trx
          .insertInto('products')
          .values(
            rows.slice(start, start + UPSERT_CHUNK).map((r) => ({
              sku: r.sku,
              name: r.name,
              price_cents: r.priceCents,
              stock: r.stock,
            })),
          )
          .onConflict((oc) =>
            oc.column('sku').doUpdateSet((eb) => ({
              name: eb.ref('excluded.name'),
              price_cents: eb.ref('excluded.price_cents'),
              stock: eb.ref('excluded.stock'),
              version: eb('products.version', '+', 1),
              updated_at: eb.fn<Date>('now'),
            })),
          )
          .executeTakeFirst();
        affected += Number(result.numInsertedOrUpdatedRows ?? 0n);
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
    const sorted = [...items].sort((a, b) => a.productId - b.productId);
    const productIds = sorted.map((i) => i.productId);
    return withTransaction(this.db, async (trx) => {
      const customer = await trx
        .selectFrom('customers')
        .select(['id', 'email', 'name'])
        .where('id', '=', customerId)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      if (!customer) throw new NotFoundError('customer', customerId);
      // lock in id order so concurrent orders over the same products cannot deadlock
      const locked = await trx
        .selectFrom('products')
        .select(['id', 'sku', 'name', 'price_cents', 'stock'])
        .where('id', 'in', productIds)
        .orderBy('id')
        .forNoKeyUpdate()
        .execute();
      const products = new Map(locked.map((p) => [p.id, p]));
      const product = (id: number) => {
        const p = products.get(id);
        if (!p) throw new NotFoundError('product', id);
        return p;
      };
      for (const item of sorted) {
        const { stock } = product(item.productId);
        if (stock < item.quantity) throw new InsufficientStockError(item.productId, item.quantity, stock);
      }
      // one UPDATE for all products: stock - CASE id WHEN $1 THEN $2::integer ... END. A bare number in
      // then() is written into the SQL text as a literal; eb.val() makes it a parameter, and the cast types
      // it (untyped parameters as the only CASE results would resolve to text)
      const [first, ...rest] = sorted;
      await trx
        .updateTable('products')
        .set((eb) => {
          const quantityOf = (item: (typeof sorted)[number]) =>
            eb.cast<number>(eb.val(item.quantity), 'integer');
          let quantity = eb.case('id').when(eb.val(first!.productId)).then(quantityOf(first!));
          for (const item of rest) quantity = quantity.when(eb.val(item.productId)).then(quantityOf(item));
          return { stock: eb('stock', '-', quantity.end()) };
        })
        .where('id', 'in', productIds)
        .execute();
      const order = await trx
        .insertInto('orders')
        .values((eb) => ({
          customer_id: customerId,
          status: 'pending',
          total_cents: items.reduce((sum, i) => sum + i.quantity * product(i.productId).price_cents, 0),
          created_at: eb.fn<Date>('now'),
        }))
        .returning(ORDER_COLUMNS)
        .executeTakeFirstOrThrow();
      // a multi-row VALUES list inserts in input order
      const inserted = await trx
        .insertInto('order_items')
        .values(
          items.map((i) => ({
            order_id: order.id,
            product_id: i.productId,
            quantity: i.quantity,
            unit_price_cents: product(i.productId).price_cents,
          })),
        )
        .returning(ITEM_COLUMNS)
        .execute();
      return {
        ...toOrder(order),
        customer,
        items: inserted
          .map(toItem)
          .sort((a, b) => a.id - b.id)
          .map((item) => {
            const { id, sku, name } = product(item.productId);
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
    const rows = await whereOrders(this.db.selectFrom('orders').select(ORDER_COLUMNS), filter)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute();
    return { items: rows.map(toOrder), page, pageSize };
  }

  async listOrdersKeyset(query: KeysetQuery): Promise<KeysetPage<Order>> {
    const { position, pageSize, ...filter } = validate.keysetQuery(query);
    const rows = await whereOrders(
      this.db
        .selectFrom('orders')
        .select(ORDER_COLUMNS)
        // the exact microsecond text of created_at in UTC: a Date would lose the microseconds
        .select((eb) =>
          eb
            .fn<string>('to_char', [
              eb.fn('timezone', [sql.lit('UTC'), 'created_at']),
              eb.val(CURSOR_TIMESTAMP_FORMAT),
            ])
            .as('cursor_at'),
        ),
      filter,
    )
      // the row-value comparison is what lets the (created_at desc, id desc) index serve the page; the
      // cursor text is cast to timestamptz so it compares with all its microseconds
      .$if(position !== null, (qb) =>
        qb.where(({ eb, refTuple, tuple, cast, val }) =>
          eb(
            refTuple('created_at', 'id'),
            '<',
            tuple(cast<Date>(val(position!.createdAt), 'timestamptz'), position!.id),
          ),
        ),
      )
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      // one row more than the page tells whether a next page exists, without an extra round trip
      .limit(pageSize + 1)
      .execute();
    return keysetPage(rows, pageSize, toOrder, (r) => ({ createdAt: r.cursor_at, id: r.id }));
  }

  async countOrders(filter: OrderFilter = {}): Promise<number> {
    const valid = validate.orderFilter(filter);
    const row = await whereOrders(
      this.db.selectFrom('orders').select((eb) => eb.fn.countAll<string>().as('n')),
      valid,
    ).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async insertOrderItems(input: NewOrderItem[], method: BulkMethod): Promise<number> {
    const valid = validate.orderItems(input, method, SUPPORTED_BULK_METHODS);
    if (valid.rows.length === 0) return 0;
    try {
      return await insertOrderItems(this.db, valid.rows, valid.method);
    } catch (error) {
      throw translateError(error);
    }
  }

  async getAccount(id: number): Promise<Account> {
    validate.id(id);
    const row = await this.db
      .selectFrom('accounts')
      .select(ACCOUNT_COLUMNS)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new NotFoundError('account', id);
    return toAccount(row);
  }

  async transfer(input: TransferRequest): Promise<Transfer> {
    const request = validate.transfer(input);
    const { fromAccountId, toAccountId, amountCents, idempotencyKey } = request;
    try {
      const created = await withTransaction(this.db, async (trx) => {
        // Claim the key first: a concurrent duplicate waits here on the unique index until the first
        // transaction ends, then inserts nothing and falls through to the replay below.
        const claim = await trx
          .insertInto('transfers')
          .values({
            from_account_id: fromAccountId,
            to_account_id: toAccountId,
            amount_cents: amountCents,
            idempotency_key: idempotencyKey,
          })
          .onConflict((oc) => oc.column('idempotency_key').doNothing())
          .returning(TRANSFER_COLUMNS)
          .executeTakeFirst();
        if (!claim) return null;
        // FOR NO KEY UPDATE does not conflict with the KEY SHARE locks the foreign-key checks take;
        // id order makes transfers in both directions queue instead of deadlocking
        const accounts = await trx
          .selectFrom('accounts')
          .select(['id', 'balance_cents'])
          .where('id', 'in', [fromAccountId, toAccountId])
          .orderBy('id')
          .forNoKeyUpdate()
          .execute();
        const from = accounts.find((a) => a.id === fromAccountId);
        if (!from) throw new NotFoundError('account', fromAccountId);
        if (exactCents(from.balance_cents, 'balance') < amountCents)
          throw new InsufficientFundsError(fromAccountId, amountCents);
        const to = accounts.find((a) => a.id === toAccountId);
        // the credit must leave a balance the contract's numbers hold exactly
        if (to) checkCredit(toAccountId, exactCents(to.balance_cents, 'balance'), amountCents);
        await trx
          .updateTable('accounts')
          .set((eb) => {
            // typed as bigint: two untyped parameters in a CASE would resolve to text
            const amount = eb.cast<string>(eb.val(amountCents), 'bigint');
            return {
              balance_cents: eb(
                'balance_cents',
                '+',
                eb.case().when('id', '=', fromAccountId).then(eb.neg(amount)).else(amount).end(),
              ),
              version: eb('version', '+', 1),
            };
          })
          .where('id', 'in', [fromAccountId, toAccountId])
          .execute();
        return toTransfer(claim);
      });
      if (created) return created;
    } catch (error) {
      throw translateError(error);
    }
    const original = toTransfer(
      await this.db
        .selectFrom('transfers')
        .select(TRANSFER_COLUMNS)
        .where('idempotency_key', '=', idempotencyKey)
        .executeTakeFirstOrThrow(),
    );
    return replayedTransfer(original, request);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
