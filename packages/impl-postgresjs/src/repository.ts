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
  type OrderItem,
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
  VersionConflictError,
  validate,
} from '@dal/core';
import type postgres from 'postgres';
import { insertOrderItems, SUPPORTED_BULK_METHODS } from './bulk';
import { OID, Pool, type Queryable, type Sql } from './connection';
import { loadOrderDetails } from './loading';
import {
  ACCOUNT_COLUMNS,
  CUSTOMER_COLUMNS,
  ITEM_COLUMNS,
  ORDER_COLUMNS,
  type OrderWithCursor,
  PRODUCT_COLUMNS,
  TRANSFER_COLUMNS,
} from './rows';
import { adjustStock } from './stock';

type CustomerSummary = OrderDetails['customer'];
type LockedProduct = Pick<Product, 'id' | 'sku' | 'name' | 'priceCents' | 'stock'>;

/** `WHERE a AND b ...` from the fragments given, or nothing when there are none. */
function where(sql: Queryable, conditions: (postgres.Fragment | undefined)[]): postgres.Fragment {
  const present = conditions.filter((c) => c !== undefined);
  if (present.length === 0) return sql``;
  return sql`WHERE ${present.reduce((all, condition) => sql`${all} AND ${condition}`)}`;
}

/** The optional order filter as conditions for `where`. */
function orderFilter(sql: Queryable, filter: OrderFilter): (postgres.Fragment | undefined)[] {
  return [
    filter.customerId === undefined ? undefined : sql`customer_id = ${filter.customerId}`,
    filter.status === undefined ? undefined : sql`status = ${filter.status}`,
  ];
}

export class PostgresJsShopRepository implements ShopRepository {
  private readonly pool: Pool;
  private readonly sql: Sql;

  constructor(options: RepositoryOptions) {
    this.pool = new Pool(options);
    this.sql = this.pool.sql;
  }

  async createCustomer(input: NewCustomer): Promise<Customer> {
    const { pool, sql } = this;
    const { email, name } = validate.newCustomer(input);
    const [customer] = await pool.run(
      () => sql<Customer[]>`INSERT INTO customers ${sql({ email, name })}
        RETURNING ${sql(CUSTOMER_COLUMNS)}`,
    );
    return customer!;
  }

  async getCustomer(id: number): Promise<Customer> {
    const { pool, sql } = this;
    validate.id(id);
    const [customer] = await pool.run(
      () => sql<Customer[]>`SELECT ${sql(CUSTOMER_COLUMNS)} FROM customers
        WHERE id = ${id} AND deleted_at IS NULL`,
    );
    if (!customer) throw new NotFoundError('customer', id);
    return customer;
  }

  async findCustomerByEmail(email: string): Promise<Customer | null> {
    const { pool, sql } = this;
    validate.email(email);
    // lower(email) matches the partial unique index customers_email_live_key
    const [customer] = await pool.run(
      () => sql<Customer[]>`SELECT ${sql(CUSTOMER_COLUMNS)} FROM customers
        WHERE lower(email) = lower(${email}) AND deleted_at IS NULL`,
    );
    return customer ?? null;
  }

  async softDeleteCustomer(id: number): Promise<void> {
    const { pool, sql } = this;
    validate.id(id);
    const { count } = await pool.run(
      () => sql`UPDATE customers SET deleted_at = now()
        WHERE id = ${id} AND deleted_at IS NULL`,
    );
    if (count === 0) throw new NotFoundError('customer', id);
  }

  async getProduct(id: number): Promise<Product> {
    const { pool, sql } = this;
    validate.id(id);
    const [product] = await pool.run(
      () => sql<Product[]>`SELECT ${sql(PRODUCT_COLUMNS)} FROM products
        WHERE id = ${id}`,
    );
    if (!product) throw new NotFoundError('product', id);
    return product;
  }

  async updateProductPrice(input: PriceUpdate): Promise<Product> {
    const { pool, sql } = this;
    const { id, priceCents, expectedVersion } = validate.priceUpdate(input);
    const [product] = await pool.run(
      () => sql<Product[]>`UPDATE products
        SET price_cents = ${priceCents}, version = version + 1, updated_at = now()
        WHERE id = ${id} AND version = ${expectedVersion} RETURNING ${sql(PRODUCT_COLUMNS)}`,
    );
    if (product) return product;
    // the compare-and-set matched nothing: tell a missing row from a moved version
    const exists = await pool.run(() => sql`SELECT 1 FROM products WHERE id = ${id}`);
    if (exists.length === 0) throw new NotFoundError('product', id);
    throw new VersionConflictError('product', id, expectedVersion);
  }

  async upsertProducts(input: ProductUpsert[]): Promise<{ affected: number }> {
    const rows = validate.upsertProducts(input);
    if (rows.length === 0) return { affected: 0 };
    return this.pool.transaction(async (tx) => {
      let affected = 0;
      for (const chunk of chunks(rows)) {
        const { count } = await tx`INSERT INTO products ${tx(chunk, 'sku', 'name', 'priceCents', 'stock')}
          ON CONFLICT (sku) DO UPDATE SET name = excluded.name, price_cents = excluded.price_cents,
            stock = excluded.stock, version = products.version + 1, updated_at = now()`;
        affected += count;
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
    const ints = (values: number[]) => this.sql.array(values, OID.int4);
    return this.pool.transaction(async (tx) => {
      const [customer] = await tx<CustomerSummary[]>`SELECT id, email, name FROM customers
        WHERE id = ${customerId} AND deleted_at IS NULL`;
      if (!customer) throw new NotFoundError('customer', customerId);
      // lock in id order so concurrent orders over the same products cannot deadlock
      const locked = await tx<LockedProduct[]>`SELECT id, sku, name, price_cents, stock FROM products
        WHERE id = ANY(${ints(sorted.map((i) => i.productId))}) ORDER BY id FOR NO KEY UPDATE`;
      const products = new Map(locked.map((p) => [p.id, p]));
      const product = (id: number) => products.get(id)!;
      for (const item of sorted) {
        const p = products.get(item.productId);
        if (!p) throw new NotFoundError('product', item.productId);
        if (p.stock < item.quantity) throw new InsufficientStockError(item.productId, item.quantity, p.stock);
      }
      await tx`UPDATE products p SET stock = p.stock - x.quantity
        FROM unnest(${ints(sorted.map((i) => i.productId))}, ${ints(sorted.map((i) => i.quantity))}) AS x(id, quantity)
        WHERE p.id = x.id`;
      const total = items.reduce((sum, i) => sum + i.quantity * product(i.productId).priceCents, 0);
      const [order] = await tx<Order[]>`INSERT INTO orders (customer_id, status, total_cents, created_at)
        VALUES (${customerId}, 'pending', ${total}, now()) RETURNING ${tx(ORDER_COLUMNS)}`;
      const inserted = await tx<
        OrderItem[]
      >`INSERT INTO order_items (order_id, product_id, quantity, unit_price_cents)
        SELECT ${order!.id}, x.product_id, x.quantity, x.price
          FROM unnest(${ints(items.map((i) => i.productId))}, ${ints(items.map((i) => i.quantity))},
                      ${ints(items.map((i) => product(i.productId).priceCents))})
          WITH ORDINALITY AS x(product_id, quantity, price, n) ORDER BY x.n
        RETURNING ${tx(ITEM_COLUMNS)}`;
      return {
        ...order!,
        customer,
        items: [...inserted]
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
    return loadOrderDetails(this.pool, valid.query, valid.strategy);
  }

  async listOrdersOffset(query: OffsetQuery): Promise<OffsetPage<Order>> {
    const { pool, sql } = this;
    const { page, pageSize, ...filter } = validate.offsetQuery(query);
    const rows = await pool.run(
      () => sql<Order[]>`SELECT ${sql(ORDER_COLUMNS)} FROM orders ${where(sql, orderFilter(sql, filter))}
        ORDER BY created_at DESC, id DESC LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`,
    );
    return { items: [...rows], page, pageSize };
  }

  async listOrdersKeyset(query: KeysetQuery): Promise<KeysetPage<Order>> {
    const { pool, sql } = this;
    const { position, pageSize, ...filter } = validate.keysetQuery(query);
    // the row-value comparison is what lets the (created_at desc, id desc) index serve the page. The
    // cursor's text goes as text: typed timestamptz, postgres.js would pass it through new Date() and
    // lose the microseconds
    const after = position
      ? sql`(created_at, id) < (${sql.typed(position.createdAt, OID.text)}::timestamptz, ${position.id})`
      : undefined;
    // created_at would arrive as a millisecond Date: the cursor reads its exact text instead
    const rows = await pool.run(
      () => sql<OrderWithCursor[]>`
        SELECT ${sql(ORDER_COLUMNS)}, to_char(created_at AT TIME ZONE 'UTC', ${CURSOR_TIMESTAMP_FORMAT}) AS cursor_at
        FROM orders ${where(sql, [...orderFilter(sql, filter), after])}
        ORDER BY created_at DESC, id DESC LIMIT ${pageSize + 1}`,
    );
    return keysetPage(
      rows,
      pageSize,
      ({ cursorAt, ...order }) => order,
      (row) => ({ createdAt: row.cursorAt, id: row.id }),
    );
  }

  async countOrders(filter: OrderFilter = {}): Promise<number> {
    const { pool, sql } = this;
    // count(*) is int8, a number through the connection's int8 type
    const [row] = await pool.run(
      () => sql<{ n: number }[]>`SELECT count(*) AS n FROM orders
        ${where(sql, orderFilter(sql, validate.orderFilter(filter)))}`,
    );
    return row!.n;
  }

  async insertOrderItems(input: NewOrderItem[], method: BulkMethod): Promise<number> {
    const valid = validate.orderItems(input, method, SUPPORTED_BULK_METHODS);
    if (valid.rows.length === 0) return 0;
    return insertOrderItems(this.pool, valid.rows, valid.method);
  }

  async getAccount(id: number): Promise<Account> {
    const { pool, sql } = this;
    validate.id(id);
    const [account] = await pool.run(
      () => sql<Account[]>`SELECT ${sql(ACCOUNT_COLUMNS)} FROM accounts
        WHERE id = ${id}`,
    );
    if (!account) throw new NotFoundError('account', id);
    return account;
  }

  async transfer(input: TransferRequest): Promise<Transfer> {
    const { pool, sql } = this;
    const request = validate.transfer(input);
    const { fromAccountId, toAccountId, amountCents, idempotencyKey } = request;
    const created = await pool.transaction(async (tx) => {
      // Claim the key first: a concurrent duplicate waits here on the unique index until the first
      // transaction ends, then inserts nothing and falls through to the replay below.
      const [claim] = await tx<Transfer[]>`INSERT INTO transfers
        ${tx({ fromAccountId, toAccountId, amountCents, idempotencyKey })}
        ON CONFLICT (idempotency_key) DO NOTHING RETURNING ${tx(TRANSFER_COLUMNS)}`;
      if (!claim) return null;
      // FOR NO KEY UPDATE does not conflict with the KEY SHARE locks the foreign-key checks take;
      // id order makes transfers in both directions queue instead of deadlocking
      const accounts = await tx<Pick<Account, 'id' | 'balanceCents'>[]>`SELECT id, balance_cents FROM accounts
        WHERE id IN (${fromAccountId}, ${toAccountId}) ORDER BY id FOR NO KEY UPDATE`;
      const from = accounts.find((a) => a.id === fromAccountId);
      if (!from) throw new NotFoundError('account', fromAccountId);
      if (from.balanceCents < amountCents) throw new InsufficientFundsError(fromAccountId, amountCents);
      const to = accounts.find((a) => a.id === toAccountId);
      // the credit must leave a balance the contract's numbers hold exactly
      if (to) checkCredit(toAccountId, to.balanceCents, amountCents);
      await tx`UPDATE accounts
        SET balance_cents = balance_cents + CASE WHEN id = ${fromAccountId} THEN ${-amountCents}::bigint ELSE ${amountCents}::bigint END,
            version = version + 1
        WHERE id IN (${fromAccountId}, ${toAccountId})`;
      return claim;
    });
    if (created) return created;
    const [original] = await pool.run(
      () => sql<Transfer[]>`SELECT ${sql(TRANSFER_COLUMNS)} FROM transfers
        WHERE idempotency_key = ${idempotencyKey}`,
    );
    return replayedTransfer(original!, request);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
