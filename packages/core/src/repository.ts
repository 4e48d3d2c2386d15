import type { Account, Customer, Order, OrderDetails, Product, Transfer } from './domain';
import type {
  BulkMethod,
  KeysetQuery,
  LoadStrategy,
  NewCustomer,
  NewOrder,
  NewOrderItem,
  OffsetQuery,
  OrderFilter,
  PriceUpdate,
  ProductUpsert,
  RecentOrdersQuery,
  TransferRequest,
} from './inputs';
import type { AdjustStrategy, StockAdjustment, StockAdjustmentResult } from './stock';

export interface OffsetPage<T> {
  items: T[];
  page: number;
  pageSize: number;
}

export interface KeysetPage<T> {
  items: T[];
  /** Opaque cursor for the next page; null when this page is the last one (no extra empty page). */
  nextCursor: string | null;
}

/**
 * The contract every implementation fulfils. Each method validates its input with `validate` from
 * @dal/core first (ValidationError on bad input, before any statement is sent), and passes every driver or
 * ORM error through `translateError` from @dal/core: nothing library-specific escapes. Besides the errors
 * each method names, any method may throw UnavailableError (code UNAVAILABLE, retryable) when the database
 * is unreachable, the connection drops (pg_terminate_backend, restart), no pooled connection comes free
 * within `acquireTimeoutMs`, a statement or lock times out, or a transaction still conflicts (40001,
 * 40P01) after its bounded retries.
 */
export interface ShopRepository {
  /**
   * Inserts a customer. Emails are unique among live customers, case-insensitively.
   * @throws ConflictError when a live customer already has this email (any letter case).
   */
  createCustomer(input: NewCustomer): Promise<Customer>;

  /**
   * @throws NotFoundError when the customer does not exist or is soft-deleted.
   */
  getCustomer(id: number): Promise<Customer>;

  /** Case-insensitive lookup among live customers; null when none matches. */
  findCustomerByEmail(email: string): Promise<Customer | null>;

  /**
   * Sets deleted_at; the email becomes free for a new customer.
   * @throws NotFoundError when missing or already deleted.
   */
  softDeleteCustomer(id: number): Promise<void>;

  /** @throws NotFoundError */
  getProduct(id: number): Promise<Product>;

  /**
   * Compare-and-set in one statement: sets the price, bumps version and updated_at only when the stored
   * version equals `expectedVersion`.
   * @returns the product at version `expectedVersion + 1`.
   * @throws VersionConflictError when the version has moved; NotFoundError when the id does not exist.
   */
  updateProductPrice(input: PriceUpdate): Promise<Product>;

  /**
   * Inserts or updates products by sku with INSERT ... ON CONFLICT (sku) DO UPDATE, one statement per chunk;
   * an update bumps version and updated_at.
   * @returns the number of rows inserted or updated.
   * @throws ValidationError when a sku appears twice in `rows` (before any write).
   */
  upsertProducts(rows: ProductUpsert[]): Promise<{ affected: number }>;

  /**
   * Adds `delta` (non-zero, negative to take) to a product's stock under one of six concurrency-control
   * strategies, each written with the library's own API for it (the lost-update lab):
   * - `read-modify-write`: the entity read, the sum computed in application code, the value saved, at READ
   *   COMMITTED: a concurrent change between the read and the write is lost (the trap, on purpose);
   * - `repeatable-read` / `serializable`: the same inside a transaction at that isolation level, opened
   *   through the library's isolation-level API, retried on SQLSTATE 40001;
   * - `atomic`: one `UPDATE ... SET stock = stock + $delta`;
   * - `pessimistic`: `SELECT ... FOR NO KEY UPDATE` (or the library's nearest row lock), then the update, in
   *   one transaction;
   * - `optimistic`: read stock and version, `UPDATE ... WHERE version = $read` bumping the version, retried
   *   when it matched no row.
   * Retries are bounded by ADJUST_STOCK_MAX_ATTEMPTS (then UnavailableError). Only `optimistic` moves the
   * version (its compare-and-set needs it); none touches price or updated_at.
   * @returns the stock right after this call's own change, and the attempts it took (1 without conflict).
   * @throws ValidationError (unknown strategy, delta 0 or not an integer, bad id) before any statement;
   * NotFoundError; InsufficientStockError when the stock would go below zero (nothing changed then).
   */
  adjustStock(input: StockAdjustment, strategy: AdjustStrategy): Promise<StockAdjustmentResult>;

  /**
   * One transaction: locks the products in id order (SELECT ... FOR UPDATE), checks and decrements stock,
   * inserts the order (status 'pending', total from current prices) and its items (unit price snapshot).
   * Stock changes do not bump a product's version (the version guards price and upsert edits only).
   * @throws NotFoundError (customer or product) or InsufficientStockError; nothing is changed then.
   */
  createOrder(input: NewOrder): Promise<OrderDetails>;

  /**
   * The newest orders (created_at desc, id desc) with customer and items (id asc) and each item's product.
   * All strategies return deep-equal results:
   * - `naive`: the orders, then per order its customer and its items, then per item its product (N+1);
   * - `batched`: one query per relation level (id = ANY / IN), stitched in memory;
   * - `joined`: one statement.
   */
  recentOrdersWithDetails(query: RecentOrdersQuery, strategy: LoadStrategy): Promise<OrderDetails[]>;

  /** Page `page` (from 1) of orders by created_at desc, id desc, with LIMIT/OFFSET. */
  listOrdersOffset(query: OffsetQuery): Promise<OffsetPage<Order>>;

  /**
   * Keyset page after the opaque cursor `after` (first page when absent), same order as listOrdersOffset,
   * with the row-value predicate `(created_at, id) < ($1, $2)` that the (created_at desc, id desc) indexes
   * serve. Exact to the microsecond: never skips or repeats a row.
   * @throws InvalidCursorError when `after` is malformed or tampered with.
   */
  listOrdersKeyset(query: KeysetQuery): Promise<KeysetPage<Order>>;

  /** Number of orders matching the filter. */
  countOrders(filter?: OrderFilter): Promise<number>;

  /**
   * Inserts order items, all or nothing: one bad row (for example a missing order) fails the call and
   * writes nothing.
   * - `loop`: one INSERT per row in one transaction;
   * - `batch`: the library's multi-row insert, chunked below PostgreSQL's 65,535 bind-parameter limit;
   * - `unnest`: one INSERT ... SELECT FROM unnest($1::int[], ...) whatever the size;
   * - `copy`: COPY FROM STDIN.
   * @returns the number of rows inserted.
   * @throws ValidationError for a method not in `meta.bulkMethods`; NotFoundError for a missing order or product.
   */
  insertOrderItems(rows: NewOrderItem[], method: BulkMethod): Promise<number>;

  /** @throws NotFoundError */
  getAccount(id: number): Promise<Account>;

  /**
   * Moves money atomically. Replaying the same idempotency key with the same parameters returns the
   * original transfer and moves nothing, also when the duplicates arrive concurrently.
   * No lost update, no deadlock, no negative balance under concurrent transfers in both directions.
   * @throws ValidationError (amount <= 0, same account twice), NotFoundError (account),
   * InsufficientFundsError, IdempotencyConflictError (same key, other parameters).
   */
  transfer(input: TransferRequest): Promise<Transfer>;

  /** Releases every connection. */
  close(): Promise<void>;
}

export interface RepositoryOptions {
  /** postgres:// URL of the database to use. */
  connectionString: string;
  /** Size of the node-postgres pool, the same for every library. */
  poolSize: number;
  /**
   * Send statements as named prepared statements, so the server parses and plans each one once per
   * connection instead of on every call. Only where the library offers it (`meta.preparedStatements` says
   * how and for which statements); an implementation without it ignores the option. Default false: every
   * library's default is node-postgres' unnamed statement, parsed and planned on each call.
   */
  preparedStatements?: boolean;
  /**
   * How long a call waits for a free pooled connection before it fails with UnavailableError, in
   * milliseconds. Default DEFAULT_ACQUIRE_TIMEOUT_MS (60 s): long enough that queuing under benchmark load
   * never times out, short enough that an exhausted pool is reported instead of hanging.
   */
  acquireTimeoutMs?: number;
  /**
   * How long one statement may run in the database, waits for row locks included, before the server cancels
   * it (PostgreSQL's `statement_timeout`, SQLSTATE 57014) and the call fails with UnavailableError, in
   * milliseconds; 0 turns it off. Default DEFAULT_STATEMENT_TIMEOUT_MS. Every implementation sets it through
   * its library's connection configuration, so it holds on every pooled connection from the start.
   */
  statementTimeoutMs?: number;
}

/** The default of `RepositoryOptions.acquireTimeoutMs`. */
export const DEFAULT_ACQUIRE_TIMEOUT_MS = 60_000;

/**
 * The default of `RepositoryOptions.statementTimeoutMs`, the same for every library: 30 s, far above any
 * statement of the benchmarks or the contract suite (an OFFSET page 10,000 deep of the default dataset takes
 * about 0.25 s, a 10,000-row chunk of a bulk insert well under a second), so it never cuts a measurement
 * short, while a statement stuck behind a lock held by another connection fails instead of waiting for ever.
 */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;

export type ImplementationKind = 'raw' | 'query-builder' | 'orm';

/**
 * A place where SQL text the library did not generate goes through it (a raw statement, or a raw fragment
 * inside a builder call). The rule and the label format are in benchmarks/README.md ("Escape hatches").
 */
export interface EscapeHatch {
  /**
   * The label `method/variant`: the contract method, then the variant where there is one
   * (`insertOrderItems/unnest`, `recentOrdersWithDetails/joined`, `upsertProducts`). src/ carries exactly
   * one `// escape hatch: <label>: <why>` comment for it.
   */
  method: string;
  /** Why the library's own API cannot express it. */
  reason: string;
}

/** What an implementation is; the benchmark harness and the reports read it. */
export interface ImplementationMeta {
  id: string;
  displayName: string;
  kind: ImplementationKind;
  /**
   * npm package of the PostgreSQL driver the library runs on: `pg` (node-postgres) everywhere but postgres.js
   * (`postgres`), whose rows therefore compare drivers as well as APIs.
   */
  driver: 'pg' | 'postgres';
  /** Library name -> installed version (read from its package.json, never typed by hand). */
  libraries: Record<string, string>;
  bulkMethods: readonly BulkMethod[];
  escapeHatches: readonly EscapeHatch[];
  /** Preview or non-default library features the implementation turns on. */
  previewFeatures?: readonly string[];
  /**
   * How the implementation honours `preparedStatements: true` (the library's API and which statements it
   * names); absent when the library offers no named prepared statements.
   */
  preparedStatements?: string;
  /**
   * How the point reads (getCustomer, findCustomerByEmail, getProduct, getAccount) are built when that differs
   * from building the query on every call, as most libraries do (e.g. Drizzle's prepared queries, built once
   * and reused): the point-read and pooling tables show it beside the figure.
   */
  pointReads?: string;
}

export type RepositoryFactory = (options: RepositoryOptions) => ShopRepository | Promise<ShopRepository>;
