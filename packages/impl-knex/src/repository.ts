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
import knex, { type Knex } from 'knex';
import pg from 'pg';
import { insertOrderItems, SUPPORTED_BULK_METHODS } from './bulk';
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
import type { OrderRow } from './tables';
import { withTransaction } from './transaction';

const UPSERT_CHUNK = INSERT_CHUNK_ROWS;

const NEWEST_FIRST = [
  { column: 'created_at', order: 'desc' },
  { column: 'id', order: 'desc' },
] as const;

/**
 * The optional order filter as a where() object (an empty object adds no clause). Not .modify(): its
 * callback form types the rows of the query as any.
 */
function orderFilter(filter: OrderFilter): Partial<Pick<OrderRow, 'customer_id' | 'status'>> {
  return {
    ...(filter.customerId !== undefined && { customer_id: filter.customerId }),
    ...(filter.status !== undefined && { status: filter.status }),
  };
}

export class KnexShopRepository implements ShopRepository {
  private readonly db: Knex;
  private readonly pool: pg.Pool;
  private readonly prepared: boolean;

  constructor(options: RepositoryOptions) {
    // Knex 3.3's connectionPool: the same pg.Pool every other library runs on (not Knex's tarn pool), so
    // the pool-size comparison holds literally. Knex does not own it: close() ends it.
    this.pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.poolSize,
      connectionTimeoutMillis: options.acquireTimeoutMs ?? DEFAULT_ACQUIRE_TIMEOUT_MS,
      // sent in each connection's startup packet: the server cancels a longer statement (57014)
      statement_timeout: options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
    });
    // an idle client whose connection the server ends is reported on the pool; the pool replaces it
    this.pool.on('error', () => {});
    // the same for a checked-out client: the statement in flight fails with the error, which then is also
    // emitted on the client, where the pool does not listen while it is checked out
    this.pool.on('connect', (client) => client.on('error', () => {}));
    this.db = knex({ client: 'pg', connectionPool: this.pool, debug: false });
    this.prepared = options.preparedStatements ?? false;
  }

  /**
   * Driver options of a point read: `.options()` hands them to node-postgres' query config, where a `name`
   * makes it a named prepared statement, parsed once per connection. The SQL text of each is fixed.
   */
  private pointRead(name: string): Readonly<{ name?: string }> {
    return this.prepared ? { name } : {};
  }

  async createCustomer(input: NewCustomer): Promise<Customer> {
    const { email, name } = validate.newCustomer(input);
    try {
      const [row] = await this.db('customers').insert({ email, name }).returning(CUSTOMER_COLUMNS);
      return toCustomer(row!);
    } catch (error) {
      throw translateError(error);
    }
  }

  async getCustomer(id: number): Promise<Customer> {
    validate.id(id);
    const row = await this.db('customers')
      .first(CUSTOMER_COLUMNS)
      .where('id', id)
      .whereNull('deleted_at')
      .options(this.pointRead('get-customer'));
    if (!row) throw new NotFoundError('customer', id);
    return toCustomer(row);
  }

  async findCustomerByEmail(email: string): Promise<Customer | null> {
    validate.email(email);
    const row = await this.db('customers')
      .first(CUSTOMER_COLUMNS)
      // escape hatch: findCustomerByEmail: Knex has no SQL function calls (knex.fn has now() and uuid helpers only), and
      // lower(email) is what matches the partial unique index customers_email_live_key
      .whereRaw('lower(email) = lower(?)', [email])
      .whereNull('deleted_at')
      .options(this.pointRead('find-customer-by-email'));
    return row ? toCustomer(row) : null;
  }

  async softDeleteCustomer(id: number): Promise<void> {
    validate.id(id);
    const updated = await this.db('customers')
      .where('id', id)
      .whereNull('deleted_at')
      .update({ deleted_at: this.db.fn.now() });
    if (updated === 0) throw new NotFoundError('customer', id);
  }

  async getProduct(id: number): Promise<Product> {
    validate.id(id);
    const row = await this.db('products')
      .first(PRODUCT_COLUMNS)
      .where('id', id)
      .options(this.pointRead('get-product'));
    if (!row) throw new NotFoundError('product', id);
    return toProduct(row);
  }

  async updateProductPrice(input: PriceUpdate): Promise<Product> {
    const { id, priceCents, expectedVersion } = validate.priceUpdate(input);
    // update() and increment() combine into one UPDATE ... SET price_cents, updated_at, version = version + 1
    const [row] = await this.db('products')
      .where({ id, version: expectedVersion })
      .update({ price_cents: priceCents, updated_at: this.db.fn.now() })
      .increment('version', 1)
      .returning(PRODUCT_COLUMNS);
    if (row) return toProduct(row);
    // the compare-and-set matched nothing: tell a missing row from a moved version
    const exists = await this.db('products').first('id').where('id', id);
    if (!exists) throw new NotFoundError('product', id);
    throw new VersionConflictError('product', id, expectedVersion);
  }

  async upsertProducts(input: ProductUpsert[]): Promise<{ affected: number }> {
    const rows = validate.upsertProducts(input);
    if (rows.length === 0) return { affected: 0 };
    return withTransaction(this.db, async (trx) => {
      let affected = 0;
      for (let start = 0; start < rows.length; start += UPSERT_CHUNK) {
        const result = await trx('products')
          .insert(
            rows.slice(start, start + UPSERT_CHUNK).map((r) => ({
              sku: r.sku,
              name: r.name,
              price_cents: r.priceCents,
              stock: r.stock,
            })),
          )
          .onConflict('sku')
          .merge({
            name: trx.ref('excluded.name'),
            price_cents: trx.ref('excluded.price_cents'),
            stock: trx.ref('excluded.stock'),
            // escape hatch: upsertProducts: merge() takes values, not increments; the version bump is an expression
            version: trx.raw('?? + 1', ['products.version']),
            updated_at: trx.fn.now(),
          });
        // without returning(), Knex's pg dialect resolves an INSERT to the driver's result; its types
        // promise an array of ids (what MySQL returns)
        affected += (result as unknown as pg.QueryResult).rowCount ?? 0;
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
    return withTransaction(this.db, async (trx) => {
      const customer = await trx('customers')
        .first('id', 'email', 'name')
        .where('id', customerId)
        .whereNull('deleted_at');
      if (!customer) throw new NotFoundError('customer', customerId);
      // lock in id order so concurrent orders over the same products cannot deadlock
      const locked = await trx('products')
        .select('id', 'sku', 'name', 'price_cents', 'stock')
        .whereIn(
          'id',
          sorted.map((i) => i.productId),
        )
        .orderBy('id')
        .forNoKeyUpdate();
      const products = new Map(locked.map((p) => [p.id, p]));
      const product = (id: number) => products.get(id)!;
      for (const item of sorted) {
        const found = products.get(item.productId);
        if (!found) throw new NotFoundError('product', item.productId);
        if (found.stock < item.quantity)
          throw new InsufficientStockError(item.productId, item.quantity, found.stock);
      }
      // one decrement per product, in lock order: the rows are already locked, so this cannot deadlock
      for (const item of sorted)
        await trx('products').where('id', item.productId).decrement('stock', item.quantity);
      const [order] = await trx('orders')
        .insert({
          customer_id: customerId,
          status: 'pending',
          total_cents: items.reduce((sum, i) => sum + i.quantity * product(i.productId).price_cents, 0),
          created_at: trx.fn.now(),
        })
        .returning(ORDER_COLUMNS);
      // a multi-row VALUES list: PostgreSQL assigns the identities in list order, so ids follow the input
      const inserted = await trx('order_items')
        .insert(
          items.map((i) => ({
            order_id: order!.id,
            product_id: i.productId,
            quantity: i.quantity,
            unit_price_cents: product(i.productId).price_cents,
          })),
        )
        .returning(ITEM_COLUMNS);
      return {
        ...toOrder(order!),
        customer,
        items: inserted
          .map(toItem)
          .sort((a, b) => a.id - b.id)
          .map((item) => {
            const p = product(item.productId);
            return { ...item, product: { id: p.id, sku: p.sku, name: p.name } };
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
    const rows = await this.db('orders')
      .select(ORDER_COLUMNS)
      .where(orderFilter(filter))
      .orderBy([...NEWEST_FIRST])
      .limit(pageSize)
      .offset((page - 1) * pageSize);
    return { items: rows.map(toOrder), page, pageSize };
  }

  async listOrdersKeyset(query: KeysetQuery): Promise<KeysetPage<Order>> {
    const { position, pageSize, ...filter } = validate.keysetQuery(query);
    // escape hatch: listOrdersKeyset: Knex has no to_char(), and the cursor needs the exact microsecond text
    // of created_at; nor a row-value comparison (knex/knex#249; where([a, b], '<', ...) compiles to
    // nonsense), and the row-value form is what lets the (created_at desc, id desc) index serve the page.
    const statement = this.db('orders')
      .select<(OrderRow & { cursor_at: string })[]>(
        ...ORDER_COLUMNS,
        this.db.raw(`to_char(created_at AT TIME ZONE 'UTC', ?) AS cursor_at`, [CURSOR_TIMESTAMP_FORMAT]),
      )
      .where(orderFilter(filter))
      .orderBy([...NEWEST_FIRST])
      // one row more than the page tells whether a next page exists, without an extra round trip
      .limit(pageSize + 1);
    if (position) {
      statement.whereRaw('(created_at, id) < (?::timestamptz, ?)', [position.createdAt, position.id]);
    }
    const rows = await statement;
    return keysetPage(rows, pageSize, toOrder, (r) => ({ createdAt: r.cursor_at, id: r.id }));
  }

  async countOrders(filter: OrderFilter = {}): Promise<number> {
    const valid = validate.orderFilter(filter);
    // count(*) is a bigint: node-postgres returns it as a string
    const row = await this.db('orders').where(orderFilter(valid)).count({ n: '*' }).first();
    return Number(row?.n ?? 0);
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
    const row = await this.db('accounts')
      .first(ACCOUNT_COLUMNS)
      .where('id', id)
      .options(this.pointRead('get-account'));
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
        const [claim] = await trx('transfers')
          .insert({
            from_account_id: fromAccountId,
            to_account_id: toAccountId,
            amount_cents: amountCents,
            idempotency_key: idempotencyKey,
          })
          .onConflict('idempotency_key')
          .ignore()
          .returning(TRANSFER_COLUMNS);
        if (!claim) return null;
        // FOR NO KEY UPDATE does not conflict with the KEY SHARE locks the foreign-key checks take;
        // id order makes transfers in both directions queue instead of deadlocking
        const accounts = await trx('accounts')
          .select('id', 'balance_cents')
          .whereIn('id', [fromAccountId, toAccountId])
          .orderBy('id')
          .forNoKeyUpdate();
        const from = accounts.find((a) => a.id === fromAccountId);
        if (!from) throw new NotFoundError('account', fromAccountId);
        if (exactCents(from.balance_cents, 'balance') < amountCents)
          throw new InsufficientFundsError(fromAccountId, amountCents);
        const to = accounts.find((a) => a.id === toAccountId);
        // the credit must leave a balance the contract's numbers hold exactly
        if (to) checkCredit(toAccountId, exactCents(to.balance_cents, 'balance'), amountCents);
        // both rows are locked already: two increments (balance and version in one UPDATE each) cannot deadlock
        await trx('accounts')
          .where('id', fromAccountId)
          .increment({ balance_cents: -amountCents, version: 1 });
        await trx('accounts').where('id', toAccountId).increment({ balance_cents: amountCents, version: 1 });
        return toTransfer(claim);
      });
      if (created) return created;
    } catch (error) {
      throw translateError(error);
    }
    const original = await this.db('transfers')
      .first(TRANSFER_COLUMNS)
      .where('idempotency_key', idempotencyKey);
    const transfer = toTransfer(original!);
    return replayedTransfer(transfer, request);
  }

  async close(): Promise<void> {
    await this.db.destroy();
    await this.pool.end();
  }
}
