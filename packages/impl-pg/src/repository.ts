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
import { withTransaction } from './transaction';

const UPSERT_CHUNK = INSERT_CHUNK_ROWS;

/** WHERE clause for the optional order filter, numbering parameters after `params`. */
function orderFilter(filter: OrderFilter, params: unknown[]): string[] {
  const clauses: string[] = [];
  if (filter.customerId !== undefined) clauses.push(`customer_id = $${params.push(filter.customerId)}`);
  if (filter.status !== undefined) clauses.push(`status = $${params.push(filter.status)}`);
  return clauses;
}

const where = (clauses: string[]) => (clauses.length ? `WHERE ${clauses.join(' AND ')}` : '');

export class PgShopRepository implements ShopRepository {
  private readonly pool: pg.Pool;
  private readonly prepared: boolean;

  constructor(options: RepositoryOptions) {
    this.pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.poolSize,
      connectionTimeoutMillis: options.acquireTimeoutMs ?? DEFAULT_ACQUIRE_TIMEOUT_MS,
      // sent in each connection's startup packet: the server cancels a longer statement (57014)
      statement_timeout: options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
    });
    this.prepared = options.preparedStatements ?? false;
    // an idle client whose connection is terminated (server restart, DROP DATABASE ... WITH (FORCE)) is
    // reported on the pool; without a listener that is an uncaught exception. The pool replaces it anyway.
    this.pool.on('error', () => {});
    // the same for a checked-out client: the statement in flight fails with the error, which then is also
    // emitted on the client, where the pool does not listen while it is checked out
    this.pool.on('connect', (client) => client.on('error', () => {}));
  }

  /**
   * A point read by key. With `preparedStatements`, a named statement: node-postgres parses it once per
   * connection and from then on sends only Bind/Execute, so the server skips parse and plan.
   */
  private pointRead(name: string, text: string, values: unknown[]): Promise<pg.QueryResult> {
    return this.pool.query(this.prepared ? { name, text, values } : { text, values });
  }

  async createCustomer(input: NewCustomer): Promise<Customer> {
    const { email, name } = validate.newCustomer(input);
    try {
      const { rows } = await this.pool.query(
        `INSERT INTO customers (email, name) VALUES ($1, $2) RETURNING ${CUSTOMER_COLUMNS}`,
        [email, name],
      );
      return toCustomer(rows[0]);
    } catch (error) {
      throw translateError(error);
    }
  }

  async getCustomer(id: number): Promise<Customer> {
    validate.id(id);
    const { rows } = await this.pointRead(
      'get-customer',
      `SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE id = $1 AND deleted_at IS NULL`,
      [id],
    );
    if (!rows[0]) throw new NotFoundError('customer', id);
    return toCustomer(rows[0]);
  }

  async findCustomerByEmail(email: string): Promise<Customer | null> {
    validate.email(email);
    // lower(email) matches the partial unique index customers_email_live_key
    const { rows } = await this.pointRead(
      'find-customer-by-email',
      `SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE lower(email) = lower($1) AND deleted_at IS NULL`,
      [email],
    );
    return rows[0] ? toCustomer(rows[0]) : null;
  }

  async softDeleteCustomer(id: number): Promise<void> {
    validate.id(id);
    const { rowCount } = await this.pool.query(
      'UPDATE customers SET deleted_at = now() WHERE id = $1 AND deleted_at IS NULL',
      [id],
    );
    if (rowCount === 0) throw new NotFoundError('customer', id);
  }

  async getProduct(id: number): Promise<Product> {
    validate.id(id);
    const { rows } = await this.pointRead(
      'get-product',
      `SELECT ${PRODUCT_COLUMNS} FROM products WHERE id = $1`,
      [id],
    );
    if (!rows[0]) throw new NotFoundError('product', id);
    return toProduct(rows[0]);
  }

  async updateProductPrice(input: PriceUpdate): Promise<Product> {
    const { id, priceCents, expectedVersion } = validate.priceUpdate(input);
    const { rows } = await this.pool.query(
      `UPDATE products SET price_cents = $2, version = version + 1, updated_at = now()
        WHERE id = $1 AND version = $3 RETURNING ${PRODUCT_COLUMNS}`,
      [id, priceCents, expectedVersion],
    );
    if (rows[0]) return toProduct(rows[0]);
    // the compare-and-set matched nothing: tell a missing row from a moved version
    const exists = await this.pool.query('SELECT 1 FROM products WHERE id = $1', [id]);
    if (exists.rowCount === 0) throw new NotFoundError('product', id);
    throw new VersionConflictError('product', id, expectedVersion);
  }

  async upsertProducts(input: ProductUpsert[]): Promise<{ affected: number }> {
    const rows = validate.upsertProducts(input);
    if (rows.length === 0) return { affected: 0 };
    return withTransaction(this.pool, async (client) => {
      let affected = 0;
      for (let start = 0; start < rows.length; start += UPSERT_CHUNK) {
        const chunk = rows.slice(start, start + UPSERT_CHUNK);
        const params: unknown[] = [];
        const values = chunk.map(
          (r) =>
            `($${params.push(r.sku)}, $${params.push(r.name)}, $${params.push(r.priceCents)}, $${params.push(r.stock)})`,
        );
        const result = await client.query(
          `INSERT INTO products (sku, name, price_cents, stock) VALUES ${values.join(', ')}
           ON CONFLICT (sku) DO UPDATE SET name = excluded.name, price_cents = excluded.price_cents,
             stock = excluded.stock, version = products.version + 1, updated_at = now()`,
          params,
        );
        affected += result.rowCount ?? 0;
      }
      return { affected };
    });
  }

  async adjustStock(input: StockAdjustment, strategy: AdjustStrategy): Promise<StockAdjustmentResult> {
    const { productId, delta, strategy: s } = validate.stockAdjustment(input, strategy);
    return adjustStock(this.pool, productId, delta, s);
  }

  async createOrder(input: NewOrder): Promise<OrderDetails> {
    const { customerId, items } = validate.newOrder(input);
    const sorted = [...items].sort((a, b) => a.productId - b.productId);
    return withTransaction(this.pool, async (client) => {
      const customer = await client.query(
        'SELECT id, email, name FROM customers WHERE id = $1 AND deleted_at IS NULL',
        [customerId],
      );
      if (!customer.rows[0]) throw new NotFoundError('customer', customerId);
      // lock in id order so concurrent orders over the same products cannot deadlock
      const locked = await client.query(
        'SELECT id, sku, name, price_cents, stock FROM products WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE',
        [sorted.map((i) => i.productId)],
      );
      const products = new Map(locked.rows.map((p) => [p.id as number, p]));
      for (const item of sorted) {
        const product = products.get(item.productId);
        if (!product) throw new NotFoundError('product', item.productId);
        if (product.stock < item.quantity)
          throw new InsufficientStockError(item.productId, item.quantity, product.stock);
      }
      await client.query(
        `UPDATE products p SET stock = p.stock - x.quantity
           FROM unnest($1::int[], $2::int[]) AS x(id, quantity) WHERE p.id = x.id`,
        [sorted.map((i) => i.productId), sorted.map((i) => i.quantity)],
      );
      const total = items.reduce((sum, i) => sum + i.quantity * products.get(i.productId).price_cents, 0);
      const order = await client.query(
        `INSERT INTO orders (customer_id, status, total_cents, created_at) VALUES ($1, 'pending', $2, now())
         RETURNING ${ORDER_COLUMNS}`,
        [customerId, total],
      );
      const orderId = order.rows[0].id;
      const inserted = await client.query(
        `INSERT INTO order_items (order_id, product_id, quantity, unit_price_cents)
         SELECT $1, x.product_id, x.quantity, x.price FROM unnest($2::int[], $3::int[], $4::int[])
           WITH ORDINALITY AS x(product_id, quantity, price, n) ORDER BY x.n
         RETURNING ${ITEM_COLUMNS}`,
        [
          orderId,
          items.map((i) => i.productId),
          items.map((i) => i.quantity),
          items.map((i) => products.get(i.productId).price_cents),
        ],
      );
      return {
        ...toOrder(order.rows[0]),
        customer: customer.rows[0],
        items: inserted.rows
          .map(toItem)
          .sort((a, b) => a.id - b.id)
          .map((item) => {
            const p = products.get(item.productId);
            return { ...item, product: { id: p.id, sku: p.sku, name: p.name } };
          }),
      };
    });
  }

  async recentOrdersWithDetails(query: RecentOrdersQuery, strategy: LoadStrategy): Promise<OrderDetails[]> {
    const valid = validate.recentOrders(query, strategy);
    return loadOrderDetails(this.pool, valid.query, valid.strategy);
  }

  async listOrdersOffset(query: OffsetQuery): Promise<OffsetPage<Order>> {
    const { page, pageSize, ...filter } = validate.offsetQuery(query);
    const params: unknown[] = [];
    const clauses = orderFilter(filter, params);
    const { rows } = await this.pool.query(
      `SELECT ${ORDER_COLUMNS} FROM orders ${where(clauses)}
        ORDER BY created_at DESC, id DESC LIMIT $${params.push(pageSize)} OFFSET $${params.push((page - 1) * pageSize)}`,
      params,
    );
    return { items: rows.map(toOrder), page, pageSize };
  }

  async listOrdersKeyset(query: KeysetQuery): Promise<KeysetPage<Order>> {
    const { position, pageSize, ...filter } = validate.keysetQuery(query);
    const params: unknown[] = [CURSOR_TIMESTAMP_FORMAT];
    const clauses = orderFilter(filter, params);
    if (position) {
      // the row-value comparison is what lets the (created_at desc, id desc) index serve the page
      clauses.push(
        `(created_at, id) < ($${params.push(position.createdAt)}::timestamptz, $${params.push(position.id)})`,
      );
    }
    // one row more than the page tells whether a next page exists, without an extra round trip
    const { rows } = await this.pool.query(
      `SELECT ${ORDER_COLUMNS}, to_char(created_at AT TIME ZONE 'UTC', $1) AS cursor_at FROM orders ${where(clauses)}
        ORDER BY created_at DESC, id DESC LIMIT $${params.push(pageSize + 1)}`,
      params,
    );
    return keysetPage(rows, pageSize, toOrder, (r) => ({ createdAt: r.cursor_at, id: r.id }));
  }

  async countOrders(filter: OrderFilter = {}): Promise<number> {
    const params: unknown[] = [];
    const clauses = orderFilter(validate.orderFilter(filter), params);
    const { rows } = await this.pool.query(`SELECT count(*)::int AS n FROM orders ${where(clauses)}`, params);
    return rows[0].n;
  }

  async insertOrderItems(input: NewOrderItem[], method: BulkMethod): Promise<number> {
    const valid = validate.orderItems(input, method, SUPPORTED_BULK_METHODS);
    if (valid.rows.length === 0) return 0;
    try {
      return await insertOrderItems(this.pool, valid.rows, valid.method);
    } catch (error) {
      throw translateError(error);
    }
  }

  async getAccount(id: number): Promise<Account> {
    validate.id(id);
    const { rows } = await this.pointRead(
      'get-account',
      `SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE id = $1`,
      [id],
    );
    if (!rows[0]) throw new NotFoundError('account', id);
    return toAccount(rows[0]);
  }

  async transfer(input: TransferRequest): Promise<Transfer> {
    const request = validate.transfer(input);
    const { fromAccountId, toAccountId, amountCents, idempotencyKey } = request;
    try {
      const created = await withTransaction(this.pool, async (client) => {
        // Claim the key first: a concurrent duplicate waits here on the unique index until the first
        // transaction ends, then inserts nothing and falls through to the replay below.
        const claim = await client.query(
          `INSERT INTO transfers (from_account_id, to_account_id, amount_cents, idempotency_key)
           VALUES ($1, $2, $3, $4) ON CONFLICT (idempotency_key) DO NOTHING RETURNING ${TRANSFER_COLUMNS}`,
          [fromAccountId, toAccountId, amountCents, idempotencyKey],
        );
        if (!claim.rows[0]) return null;
        // FOR NO KEY UPDATE does not conflict with the KEY SHARE locks the foreign-key checks take;
        // id order makes transfers in both directions queue instead of deadlocking
        const accounts = await client.query(
          'SELECT id, balance_cents FROM accounts WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE',
          [[fromAccountId, toAccountId]],
        );
        const from = accounts.rows.find((a) => a.id === fromAccountId);
        if (!from) throw new NotFoundError('account', fromAccountId);
        if (exactCents(from.balance_cents, 'balance') < amountCents)
          throw new InsufficientFundsError(fromAccountId, amountCents);
        const to = accounts.rows.find((a) => a.id === toAccountId);
        // the credit must leave a balance the contract's numbers hold exactly
        if (to) checkCredit(toAccountId, exactCents(to.balance_cents, 'balance'), amountCents);
        await client.query(
          `UPDATE accounts SET balance_cents = balance_cents + CASE WHEN id = $1 THEN -$3::bigint ELSE $3::bigint END,
             version = version + 1 WHERE id IN ($1, $2)`,
          [fromAccountId, toAccountId, amountCents],
        );
        return toTransfer(claim.rows[0]);
      });
      if (created) return created;
    } catch (error) {
      throw translateError(error);
    }
    const { rows } = await this.pool.query(
      `SELECT ${TRANSFER_COLUMNS} FROM transfers WHERE idempotency_key = $1`,
      [idempotencyKey],
    );
    const original = toTransfer(rows[0]);
    return replayedTransfer(original, request);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
