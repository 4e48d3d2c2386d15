import {
  type Account,
  type AdjustStrategy,
  type BulkMethod,
  CURSOR_TIMESTAMP_FORMAT,
  type Customer,
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
import { PrismaPg } from '@prisma/adapter-pg';
import { Prisma, PrismaClient } from '../generated/prisma/client';
import { insertOrderItems, SUPPORTED_BULK_METHODS } from './bulk';
import { loadOrderDetails } from './loading';
import {
  accountSelect,
  customerSelect,
  type KeysetRow,
  keysetRowToOrder,
  orderDetailsSelect,
  orderSelect,
  productSelect,
  toAccount,
  toOrder,
  toOrderDetails,
  toTransfer,
  transferSelect,
} from './rows';
import { statementName } from './statement-names';
import { adjustStock } from './stock';
import { TRANSACTION_OPTIONS, withTransaction } from './transaction';

const UPSERT_CHUNK = INSERT_CHUNK_ROWS;

const NEWEST_FIRST = [{ createdAt: 'desc' }, { id: 'desc' }] satisfies Prisma.OrderOrderByWithRelationInput[];

/** Prisma's where input for the optional order filter (undefined fields are ignored by Prisma). */
const orderWhere = (filter: OrderFilter): Prisma.OrderWhereInput => ({
  customerId: filter.customerId,
  status: filter.status,
});

/** The same filter as SQL conditions, for the raw keyset query. */
function orderFilterSql(filter: OrderFilter): Prisma.Sql[] {
  const conditions: Prisma.Sql[] = [];
  if (filter.customerId !== undefined) conditions.push(Prisma.sql`customer_id = ${filter.customerId}`);
  if (filter.status !== undefined) conditions.push(Prisma.sql`status = ${filter.status}`);
  return conditions;
}

const whereSql = (conditions: Prisma.Sql[]) =>
  conditions.length ? Prisma.sql`WHERE ${Prisma.join(conditions, ' AND ')}` : Prisma.empty;

/** `mode: 'insensitive'` compiles to ILIKE, so the wildcards of an input taken as a pattern must be escaped. */
const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export class PrismaShopRepository implements ShopRepository {
  private readonly prisma: PrismaClient;

  constructor(options: RepositoryOptions) {
    this.prisma = new PrismaClient({
      adapter: new PrismaPg(
        {
          connectionString: options.connectionString,
          max: options.poolSize,
          connectionTimeoutMillis: options.acquireTimeoutMs ?? DEFAULT_ACQUIRE_TIMEOUT_MS,
          // the adapter's pg.Pool config: node-postgres sends it in each connection's startup packet
          statement_timeout: options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
        },
        options.preparedStatements ? { statementNameGenerator: statementName } : {},
      ),
      // maxWait is Prisma's own wait for a transaction's connection: the same acquire timeout
      transactionOptions: {
        ...TRANSACTION_OPTIONS,
        maxWait: options.acquireTimeoutMs ?? DEFAULT_ACQUIRE_TIMEOUT_MS,
      },
    });
  }

  async createCustomer(input: NewCustomer): Promise<Customer> {
    const data = validate.newCustomer(input);
    try {
      return await this.prisma.customer.create({ data, select: customerSelect });
    } catch (error) {
      throw translateError(error);
    }
  }

  async getCustomer(id: number): Promise<Customer> {
    validate.id(id);
    const customer = await this.prisma.customer.findUnique({
      where: { id, deletedAt: null },
      select: customerSelect,
    });
    if (!customer) throw new NotFoundError('customer', id);
    return customer;
  }

  async findCustomerByEmail(email: string): Promise<Customer | null> {
    validate.email(email);
    // case-insensitive equality; Prisma cannot express lower(email) = lower($1), so the partial index
    // customers_email_live_key is not used (a scan of the live customers)
    return this.prisma.customer.findFirst({
      where: { email: { equals: likeLiteral(email), mode: 'insensitive' }, deletedAt: null },
      select: customerSelect,
    });
  }

  async softDeleteCustomer(id: number): Promise<void> {
    validate.id(id);
    // escape hatch: softDeleteCustomer: Prisma's update data takes values only, so deleted_at = now() (the
    // database clock, microseconds) is $executeRaw; a Date would be the application's clock
    const count = await this.prisma.$executeRaw`
      UPDATE customers SET deleted_at = now() WHERE id = ${id} AND deleted_at IS NULL`;
    if (count === 0) throw new NotFoundError('customer', id);
  }

  async getProduct(id: number): Promise<Product> {
    validate.id(id);
    const product = await this.prisma.product.findUnique({ where: { id }, select: productSelect });
    if (!product) throw new NotFoundError('product', id);
    return product;
  }

  async updateProductPrice(input: PriceUpdate): Promise<Product> {
    const { id, priceCents, expectedVersion } = validate.priceUpdate(input);
    // escape hatch: updateProductPrice: Prisma's update data takes values only, so updated_at = now() (the
    // database clock, microseconds) makes the compare-and-set UPDATE ... WHERE id AND version RETURNING a
    // $queryRaw; `update({ where: { id, version } })` would have to send the application's new Date()
    const [updated] = await this.prisma.$queryRaw<Product[]>`
      UPDATE products SET price_cents = ${priceCents}, version = version + 1, updated_at = now()
       WHERE id = ${id} AND version = ${expectedVersion}
      RETURNING id, sku, name, price_cents AS "priceCents", stock, version, updated_at AS "updatedAt"`;
    if (updated) return updated;
    // the compare-and-set matched nothing: tell a missing row from a moved version
    const exists = await this.prisma.product.findUnique({ where: { id }, select: { id: true } });
    if (!exists) throw new NotFoundError('product', id);
    throw new VersionConflictError('product', id, expectedVersion);
  }

  async upsertProducts(input: ProductUpsert[]): Promise<{ affected: number }> {
    const rows = validate.upsertProducts(input);
    if (rows.length === 0) return { affected: 0 };
    return withTransaction(this.prisma, async (tx) => {
      let affected = 0;
      for (let start = 0; start < rows.length; start += UPSERT_CHUNK) {
        const values = rows
          .slice(start, start + UPSERT_CHUNK)
          .map((r) => Prisma.sql`(${r.sku}, ${r.name}, ${r.priceCents}, ${r.stock})`);
        // escape hatch: upsertProducts: Prisma's upsert writes one row per call; a multi-row INSERT ... ON CONFLICT (sku)
        // DO UPDATE that bumps the version has no Prisma API
        affected += await tx.$executeRaw`
          INSERT INTO products (sku, name, price_cents, stock) VALUES ${Prisma.join(values)}
          ON CONFLICT (sku) DO UPDATE SET name = excluded.name, price_cents = excluded.price_cents,
            stock = excluded.stock, version = products.version + 1, updated_at = now()`;
      }
      return { affected };
    });
  }

  async adjustStock(input: StockAdjustment, strategy: AdjustStrategy): Promise<StockAdjustmentResult> {
    const { productId, delta, strategy: s } = validate.stockAdjustment(input, strategy);
    return adjustStock(this.prisma, productId, delta, s);
  }

  async createOrder(input: NewOrder): Promise<OrderDetails> {
    const { customerId, items } = validate.newOrder(input);
    const sorted = [...items].sort((a, b) => a.productId - b.productId);
    return withTransaction(this.prisma, async (tx) => {
      const customer = await tx.customer.findUnique({
        where: { id: customerId, deletedAt: null },
        select: { id: true },
      });
      if (!customer) throw new NotFoundError('customer', customerId);
      // Prisma has no row-lock API (SELECT ... FOR UPDATE): the conditional decrement locks each product row,
      // in id order so concurrent orders cannot deadlock, and checks the stock on the row's latest version
      const prices = new Map<number, number>();
      for (const { productId, quantity } of sorted) {
        const [locked] = await tx.product.updateManyAndReturn({
          where: { id: productId, stock: { gte: quantity } },
          data: { stock: { decrement: quantity } },
          select: { priceCents: true },
        });
        if (!locked) {
          const product = await tx.product.findUnique({ where: { id: productId }, select: { stock: true } });
          if (!product) throw new NotFoundError('product', productId);
          throw new InsufficientStockError(productId, quantity, product.stock);
        }
        prices.set(productId, locked.priceCents);
      }
      const priced = items.map((i) => ({ ...i, unitPriceCents: prices.get(i.productId)! }));
      const order = await tx.order.create({
        data: {
          customerId,
          status: 'pending',
          totalCents: priced.reduce((sum, i) => sum + i.quantity * i.unitPriceCents, 0),
          items: { createMany: { data: priced } },
        },
        select: orderDetailsSelect,
      });
      return toOrderDetails(order);
    });
  }

  async recentOrdersWithDetails(query: RecentOrdersQuery, strategy: LoadStrategy): Promise<OrderDetails[]> {
    const valid = validate.recentOrders(query, strategy);
    return loadOrderDetails(this.prisma, valid.query, valid.strategy);
  }

  async listOrdersOffset(query: OffsetQuery): Promise<OffsetPage<Order>> {
    const { page, pageSize, ...filter } = validate.offsetQuery(query);
    const orders = await this.prisma.order.findMany({
      where: orderWhere(filter),
      orderBy: NEWEST_FIRST,
      skip: (page - 1) * pageSize,
      take: pageSize,
      select: orderSelect,
    });
    return { items: orders.map(toOrder), page, pageSize };
  }

  async listOrdersKeyset(query: KeysetQuery): Promise<KeysetPage<Order>> {
    const { position, pageSize, ...filter } = validate.keysetQuery(query);
    // escape hatch: listOrdersKeyset: Prisma has neither a row-value comparison (its `cursor` option re-reads
    // the cursor row by id in a sub-select) nor a way to read created_at with microseconds (a Date holds
    // milliseconds): the whole query is $queryRaw, its filter Prisma.sql fragments. The row-value comparison
    // is what lets the (created_at desc, id desc) index serve the page.
    const conditions = orderFilterSql(filter);
    if (position) {
      conditions.push(Prisma.sql`(created_at, id) < (${position.createdAt}::timestamptz, ${position.id})`);
    }
    const rows = await this.prisma.$queryRaw<KeysetRow[]>`
      SELECT id, customer_id AS "customerId", status, total_cents AS "totalCents", created_at AS "createdAt",
             to_char(created_at AT TIME ZONE 'UTC', ${CURSOR_TIMESTAMP_FORMAT}) AS "cursorAt"
        FROM orders ${whereSql(conditions)}
       ORDER BY created_at DESC, id DESC LIMIT ${pageSize + 1}`;
    // one row more than the page tells whether a next page exists, without an extra round trip
    return keysetPage(rows, pageSize, keysetRowToOrder, (r) => ({ createdAt: r.cursorAt, id: r.id }));
  }

  async countOrders(filter: OrderFilter = {}): Promise<number> {
    return this.prisma.order.count({ where: orderWhere(validate.orderFilter(filter)) });
  }

  async insertOrderItems(input: NewOrderItem[], method: BulkMethod): Promise<number> {
    const valid = validate.orderItems(input, method, SUPPORTED_BULK_METHODS);
    if (valid.rows.length === 0) return 0;
    try {
      return await insertOrderItems(this.prisma, valid.rows, valid.method);
    } catch (error) {
      throw translateError(error);
    }
  }

  async getAccount(id: number): Promise<Account> {
    validate.id(id);
    const account = await this.prisma.account.findUnique({ where: { id }, select: accountSelect });
    if (!account) throw new NotFoundError('account', id);
    return toAccount(account);
  }

  async transfer(input: TransferRequest): Promise<Transfer> {
    const request = validate.transfer(input);
    const { fromAccountId, toAccountId, amountCents, idempotencyKey } = request;
    const amount = BigInt(amountCents);
    try {
      const created = await withTransaction(this.prisma, async (tx) => {
        // Claim the key first: createManyAndReturn with skipDuplicates is INSERT ... ON CONFLICT DO NOTHING
        // RETURNING. A concurrent duplicate waits here on the unique index until the first transaction ends,
        // then inserts nothing and falls through to the replay below.
        const [claimed] = await tx.transfer.createManyAndReturn({
          data: [{ fromAccountId, toAccountId, amountCents: amount, idempotencyKey }],
          skipDuplicates: true,
          select: transferSelect,
        });
        if (!claimed) return null;
        // Prisma has no row-lock API: the two conditional updates lock the accounts, in id order so transfers
        // in both directions queue instead of deadlocking (an UPDATE takes FOR NO KEY UPDATE, which does not
        // conflict with the KEY SHARE locks of the foreign-key checks). The debit re-checks the balance on
        // the row's latest version, so no lost update and no negative balance.
        const debit = async () => {
          const { count } = await tx.account.updateMany({
            where: { id: fromAccountId, balanceCents: { gte: amount } },
            data: { balanceCents: { decrement: amount }, version: { increment: 1 } },
          });
          if (count === 0) throw new InsufficientFundsError(fromAccountId, amountCents);
        };
        // a credit past 2^53 cents is refused (ValidationError) and rolls the transaction back
        const credit = async () => {
          const { balanceCents } = await tx.account.update({
            where: { id: toAccountId },
            data: { balanceCents: { increment: amount }, version: { increment: 1 } },
            select: { balanceCents: true },
          });
          exactCents(balanceCents, 'balance');
        };
        if (fromAccountId < toAccountId) {
          await debit();
          await credit();
        } else {
          await credit();
          await debit();
        }
        return toTransfer(claimed);
      });
      if (created) return created;
    } catch (error) {
      throw translateError(error);
    }
    const original = toTransfer(
      await this.prisma.transfer.findUniqueOrThrow({ where: { idempotencyKey }, select: transferSelect }),
    );
    return replayedTransfer(original, request);
  }

  async close(): Promise<void> {
    await this.prisma.$disconnect();
  }
}
