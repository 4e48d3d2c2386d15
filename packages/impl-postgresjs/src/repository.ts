import {
  type Account,
  type BulkMethod,
  CURSOR_TIMESTAMP_FORMAT,
  type Customer,
  chunks,
  DEFAULT_ACQUIRE_TIMEOUT_MS,
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
  type Transfer,
  type TransferRequest,
  VersionConflictError,
  validate,
} from '@dal/core';
import type postgres from 'postgres';
import { insertOrderItems, SUPPORTED_BULK_METHODS } from './bulk';
import { connect, OID, type Queryable, type Sql } from './connection';
import { translated } from './errors';
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
import { withTransaction } from './transaction';

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
  private readonly sql: Sql;
  private readonly acquireTimeoutMs: number;

  constructor(options: RepositoryOptions) {
    this.sql = connect(options);
    this.acquireTimeoutMs = options.acquireTimeoutMs ?? DEFAULT_ACQUIRE_TIMEOUT_MS;
  }

  createCustomer(input: NewCustomer): Promise<Customer> {
    return translated(async () => {
      const { email, name } = validate.newCustomer(input);
      const [customer] = await this.sql<Customer[]>`INSERT INTO customers ${this.sql({ email, name })}
        RETURNING ${this.sql(CUSTOMER_COLUMNS)}`;
      return customer!;
    });
  }

  getCustomer(id: number): Promise<Customer> {
    return translated(async () => {
      validate.id(id);
      const [customer] = await this.sql<Customer[]>`SELECT ${this.sql(CUSTOMER_COLUMNS)} FROM customers
        WHERE id = ${id} AND deleted_at IS NULL`;
      if (!customer) throw new NotFoundError('customer', id);
      return customer;
    });
  }

  findCustomerByEmail(email: string): Promise<Customer | null> {
    return translated(async () => {
      validate.email(email);
      // lower(email) matches the partial unique index customers_email_live_key
      const [customer] = await this.sql<Customer[]>`SELECT ${this.sql(CUSTOMER_COLUMNS)} FROM customers
        WHERE lower(email) = lower(${email}) AND deleted_at IS NULL`;
      return customer ?? null;
    });
  }

  softDeleteCustomer(id: number): Promise<void> {
    return translated(async () => {
      validate.id(id);
      const { count } = await this.sql`UPDATE customers SET deleted_at = now()
        WHERE id = ${id} AND deleted_at IS NULL`;
      if (count === 0) throw new NotFoundError('customer', id);
    });
  }

  getProduct(id: number): Promise<Product> {
    return translated(async () => {
      validate.id(id);
      const [product] = await this.sql<Product[]>`SELECT ${this.sql(PRODUCT_COLUMNS)} FROM products
        WHERE id = ${id}`;
      if (!product) throw new NotFoundError('product', id);
      return product;
    });
  }

  updateProductPrice(input: PriceUpdate): Promise<Product> {
    return translated(async () => {
      const { id, priceCents, expectedVersion } = validate.priceUpdate(input);
      const [product] = await this.sql<Product[]>`UPDATE products
        SET price_cents = ${priceCents}, version = version + 1, updated_at = now()
        WHERE id = ${id} AND version = ${expectedVersion} RETURNING ${this.sql(PRODUCT_COLUMNS)}`;
      if (product) return product;
      // the compare-and-set matched nothing: tell a missing row from a moved version
      const exists = await this.sql`SELECT 1 FROM products WHERE id = ${id}`;
      if (exists.length === 0) throw new NotFoundError('product', id);
      throw new VersionConflictError('product', id, expectedVersion);
    });
  }

  upsertProducts(input: ProductUpsert[]): Promise<{ affected: number }> {
    return translated(async () => {
      const rows = validate.upsertProducts(input);
      if (rows.length === 0) return { affected: 0 };
      return withTransaction(this.sql, this.acquireTimeoutMs, async (tx) => {
        let affected = 0;
        for (const chunk of chunks(rows)) {
          const { count } = await tx`INSERT INTO products ${tx(chunk, 'sku', 'name', 'priceCents', 'stock')}
            ON CONFLICT (sku) DO UPDATE SET name = excluded.name, price_cents = excluded.price_cents,
              stock = excluded.stock, version = products.version + 1, updated_at = now()`;
          affected += count;
        }
        return { affected };
      });
    });
  }

  createOrder(input: NewOrder): Promise<OrderDetails> {
    return translated(async () => {
      const { customerId, items } = validate.newOrder(input);
      const sorted = [...items].sort((a, b) => a.productId - b.productId);
      const ints = (values: number[]) => this.sql.array(values, OID.int4);
      return withTransaction(this.sql, this.acquireTimeoutMs, async (tx) => {
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
          if (p.stock < item.quantity)
            throw new InsufficientStockError(item.productId, item.quantity, p.stock);
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
    });
  }

  recentOrdersWithDetails(query: RecentOrdersQuery, strategy: LoadStrategy): Promise<OrderDetails[]> {
    return translated(async () => {
      const valid = validate.recentOrders(query, strategy);
      return loadOrderDetails(this.sql, valid.query, valid.strategy);
    });
  }

  listOrdersOffset(query: OffsetQuery): Promise<OffsetPage<Order>> {
    return translated(async () => {
      const { page, pageSize, ...filter } = validate.offsetQuery(query);
      const sql = this.sql;
      const rows = await sql<
        Order[]
      >`SELECT ${sql(ORDER_COLUMNS)} FROM orders ${where(sql, orderFilter(sql, filter))}
        ORDER BY created_at DESC, id DESC LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`;
      return { items: [...rows], page, pageSize };
    });
  }

  listOrdersKeyset(query: KeysetQuery): Promise<KeysetPage<Order>> {
    return translated(async () => {
      const { position, pageSize, ...filter } = validate.keysetQuery(query);
      const sql = this.sql;
      // the row-value comparison is what lets the (created_at desc, id desc) index serve the page. The
      // cursor's text goes as text: typed timestamptz, postgres.js would pass it through new Date() and
      // lose the microseconds
      const after = position
        ? sql`(created_at, id) < (${sql.typed(position.createdAt, OID.text)}::timestamptz, ${position.id})`
        : undefined;
      // created_at would arrive as a millisecond Date: the cursor reads its exact text instead
      const rows = await sql<OrderWithCursor[]>`
        SELECT ${sql(ORDER_COLUMNS)}, to_char(created_at AT TIME ZONE 'UTC', ${CURSOR_TIMESTAMP_FORMAT}) AS cursor_at
          FROM orders ${where(sql, [...orderFilter(sql, filter), after])}
         ORDER BY created_at DESC, id DESC LIMIT ${pageSize + 1}`;
      return keysetPage(
        rows,
        pageSize,
        ({ cursorAt, ...order }) => order,
        (row) => ({ createdAt: row.cursorAt, id: row.id }),
      );
    });
  }

  countOrders(filter: OrderFilter = {}): Promise<number> {
    return translated(async () => {
      const sql = this.sql;
      // count(*) is int8, a number through the connection's int8 type
      const [row] = await sql<{ n: number }[]>`SELECT count(*) AS n FROM orders
        ${where(sql, orderFilter(sql, validate.orderFilter(filter)))}`;
      return row!.n;
    });
  }

  insertOrderItems(input: NewOrderItem[], method: BulkMethod): Promise<number> {
    return translated(async () => {
      const valid = validate.orderItems(input, method, SUPPORTED_BULK_METHODS);
      if (valid.rows.length === 0) return 0;
      return insertOrderItems(this.sql, this.acquireTimeoutMs, valid.rows, valid.method);
    });
  }

  getAccount(id: number): Promise<Account> {
    return translated(async () => {
      validate.id(id);
      const [account] = await this.sql<Account[]>`SELECT ${this.sql(ACCOUNT_COLUMNS)} FROM accounts
        WHERE id = ${id}`;
      if (!account) throw new NotFoundError('account', id);
      return account;
    });
  }

  transfer(input: TransferRequest): Promise<Transfer> {
    return translated(async () => {
      const request = validate.transfer(input);
      const { fromAccountId, toAccountId, amountCents, idempotencyKey } = request;
      const created = await withTransaction(this.sql, this.acquireTimeoutMs, async (tx) => {
        // Claim the key first: a concurrent duplicate waits here on the unique index until the first
        // transaction ends, then inserts nothing and falls through to the replay below.
        const [claim] = await tx<Transfer[]>`INSERT INTO transfers
          ${tx({ fromAccountId, toAccountId, amountCents, idempotencyKey })}
          ON CONFLICT (idempotency_key) DO NOTHING RETURNING ${tx(TRANSFER_COLUMNS)}`;
        if (!claim) return null;
        // FOR NO KEY UPDATE does not conflict with the KEY SHARE locks the foreign-key checks take;
        // id order makes transfers in both directions queue instead of deadlocking
        const accounts = await tx<
          Pick<Account, 'id' | 'balanceCents'>[]
        >`SELECT id, balance_cents FROM accounts
          WHERE id IN (${fromAccountId}, ${toAccountId}) ORDER BY id FOR NO KEY UPDATE`;
        const from = accounts.find((a) => a.id === fromAccountId);
        if (!from) throw new NotFoundError('account', fromAccountId);
        if (from.balanceCents < amountCents) throw new InsufficientFundsError(fromAccountId, amountCents);
        await tx`UPDATE accounts
          SET balance_cents = balance_cents + CASE WHEN id = ${fromAccountId} THEN ${-amountCents}::bigint ELSE ${amountCents}::bigint END,
              version = version + 1
          WHERE id IN (${fromAccountId}, ${toAccountId})`;
        return claim;
      });
      if (created) return created;
      const [original] = await this.sql<Transfer[]>`SELECT ${this.sql(TRANSFER_COLUMNS)} FROM transfers
        WHERE idempotency_key = ${idempotencyKey}`;
      return replayedTransfer(original!, request);
    });
  }

  async close(): Promise<void> {
    await this.sql.end();
  }
}
