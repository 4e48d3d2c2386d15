import {
  ConflictError,
  type DalError,
  isDalError,
  NotFoundError,
  UnavailableError,
  ValidationError,
} from './errors';
import type { ShopRepository } from './repository';
import { isDataExceptionSqlState, isUnavailableSqlState, pgErrorOf, SQLSTATE } from './sql-state';

const FOREIGN_KEYS: Record<string, string> = {
  orders_customer_id_fkey: 'customer',
  order_items_order_id_fkey: 'order',
  order_items_product_id_fkey: 'product',
  accounts_customer_id_fkey: 'customer',
  transfers_from_account_id_fkey: 'account',
  transfers_to_account_id_fkey: 'account',
};

/**
 * The contract error for a constraint violation of the canonical schema (found inside any library's
 * wrapper), or undefined when the error is not one the contract names. Constraint names come from schema/.
 */
export function constraintError(error: unknown): DalError | undefined {
  const pg = pgErrorOf(error);
  if (!pg) return undefined;
  if (pg.code === SQLSTATE.uniqueViolation && pg.constraint === 'customers_email_live_key') {
    return new ConflictError('a live customer already has this email', { cause: error });
  }
  if (pg.code === SQLSTATE.foreignKeyViolation && pg.constraint && FOREIGN_KEYS[pg.constraint]) {
    const id = /\)=\((\d+)\)/.exec(pg.detail ?? '')?.[1];
    return new NotFoundError(FOREIGN_KEYS[pg.constraint]!, id ? Number(id) : '?', { cause: error });
  }
  return undefined;
}

/** Socket errors of Node.js: the server is not there or the connection broke. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * node-postgres and pg-pool report a dropped connection and an acquire timeout with a plain Error and no
 * code; these messages are all they give (Knex puts the SQL in front: "ROLLBACK - Connection terminated ...").
 */
const CONNECTION_MESSAGES = [
  /Connection terminated/, // pg: the server closed the socket (pg_terminate_backend, restart)
  /timeout exceeded when trying to connect$/, // pg-pool: connectionTimeoutMillis passed, no client free
  /Client has encountered a connection error and is not queryable$/,
  /Client was closed and is not queryable$/,
  /Query read timeout$/,
];

/**
 * Prisma's documented, stable error codes that mean "unavailable or timed out": P1001 cannot reach the
 * server, P1002 reaching it timed out, P1008 operation timed out, P1017 server closed the connection, P2024
 * timed out fetching a connection from the pool, P2028 transaction API error (a transaction that could not
 * start within maxWait or had already closed), P2034 write conflict or deadlock (after retries).
 */
const PRISMA_UNAVAILABLE = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028', 'P2034']);

/** Prisma 7's driver-adapter error kinds (`meta.driverAdapterError.cause.kind`) for a lost database. */
const ADAPTER_UNAVAILABLE = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
  'TransactionWriteConflict',
]);

/** Every error in a library's wrapping chain, outermost first. */
function* chain(error: unknown): Generator<Record<string, unknown>> {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const e = current as Record<string, unknown>;
    yield e;
    const adapter = (e.meta as { driverAdapterError?: { cause?: unknown } } | undefined)?.driverAdapterError;
    if (adapter?.cause && typeof adapter.cause === 'object') yield adapter.cause as Record<string, unknown>;
    current = e.cause ?? e.driverError ?? e.originalError;
  }
}

const isPrismaError = (e: Record<string, unknown>) =>
  typeof e.clientVersion === 'string' && typeof e.code === 'string' && /^P\d{4}$/.test(e.code);

function isUnavailable(error: unknown): boolean {
  for (const e of chain(error)) {
    const code = typeof e.code === 'string' ? e.code : undefined;
    if (code && SOCKET_CODES.has(code)) return true;
    if (isPrismaError(e) && PRISMA_UNAVAILABLE.has(code!)) return true;
    if (typeof e.kind === 'string' && ADAPTER_UNAVAILABLE.has(e.kind)) return true;
    // Knex's own pool (tarn) when no connection came free within acquireConnectionTimeout
    if (e.name === 'KnexTimeoutError') return true;
    if (typeof e.message === 'string' && CONNECTION_MESSAGES.some((m) => m.test(e.message as string))) {
      return true;
    }
  }
  const pg = pgErrorOf(error);
  return pg !== undefined && isUnavailableSqlState(pg.code);
}

/** Prisma's stable codes for constraint and missing-record errors, when the SQLSTATE is not reachable. */
function prismaFallback(error: unknown): DalError | undefined {
  for (const e of chain(error)) {
    if (!isPrismaError(e)) continue;
    const meta = (e.meta ?? {}) as Record<string, unknown>;
    if (e.code === 'P2002') return new ConflictError('a unique value is already taken', { cause: error });
    if (e.code === 'P2003') {
      const field = String(meta.field_name ?? meta.constraint ?? '');
      const entity = Object.entries(FOREIGN_KEYS).find(([name]) => field.includes(name))?.[1] ?? 'record';
      return new NotFoundError(entity, '?', { cause: error });
    }
    if (e.code === 'P2025')
      return new NotFoundError(String(meta.modelName ?? 'record'), '?', { cause: error });
  }
  return undefined;
}

/**
 * The one translation every implementation applies in its catch paths: `throw translateError(error)`.
 * Returns a DalError for everything the contract names, whatever library wrapped it:
 * - a DalError: itself;
 * - a constraint violation of the canonical schema (23505 on customers_email_live_key: ConflictError;
 *   23503 on a foreign key: NotFoundError of the referenced entity) — see constraintError;
 * - the database unavailable or timed out: UnavailableError (retryable). That is a refused, reset or
 *   dropped connection (Node's ECONNREFUSED, ECONNRESET, ...; node-postgres' "Connection terminated"), a pool
 *   acquire timeout (pg-pool's connectionTimeoutMillis, Knex's KnexTimeoutError, Prisma's P2024), SQLSTATE
 *   class 08 and 53, 57P01/57P02/57P03 (terminated, crashed, starting), 57014 (statement timeout or
 *   cancel), 55P03 (lock timeout), 25P03/57P05 (idle timeouts), and 40001/40P01 that reach here — the
 *   implementations retry those first, so here they mean the retries are exhausted;
 * - a data exception, SQLSTATE class 22 (22021 a U+0000 in text, 22003 a number out of range, 22P02 invalid
 *   text representation, ...): ValidationError — the caller sent a value the database cannot take;
 * - Prisma's stable codes when the SQLSTATE is not reachable: P2002 ConflictError, P2003 and P2025
 *   NotFoundError, P2034 and P1001/P1002/P1008/P1017/P2024/P2028 UnavailableError.
 * Anything else (a TypeError, SQL the server rejects as malformed) is a bug, not a condition the caller
 * can act on: it is returned unchanged so it is not disguised.
 */
export function translateError(error: unknown): unknown {
  if (isDalError(error)) return error;
  const constraint = constraintError(error);
  if (constraint) return constraint;
  if (isUnavailable(error)) {
    const message = error instanceof Error ? error.message : String(error);
    return new UnavailableError(`the database is unavailable or timed out: ${message}`, { cause: error });
  }
  const pg = pgErrorOf(error);
  if (pg && isDataExceptionSqlState(pg.code)) {
    // the validator refuses what it knows (U+0000, out-of-range numbers) first; this is the second line
    const message = error instanceof Error ? error.message : String(error);
    return new ValidationError(`the database rejected a value (SQLSTATE ${pg.code}): ${message}`, [], {
      cause: error,
    });
  }
  return prismaFallback(error) ?? error;
}

/** Every method of ShopRepository (the compiler checks the list is complete). */
export const SHOP_REPOSITORY_METHODS = [
  'createCustomer',
  'getCustomer',
  'findCustomerByEmail',
  'softDeleteCustomer',
  'getProduct',
  'updateProductPrice',
  'upsertProducts',
  'adjustStock',
  'createOrder',
  'recentOrdersWithDetails',
  'listOrdersOffset',
  'listOrdersKeyset',
  'countOrders',
  'insertOrderItems',
  'getAccount',
  'transfer',
  'close',
] as const satisfies readonly (keyof ShopRepository)[];

type Missing = Exclude<keyof ShopRepository, (typeof SHOP_REPOSITORY_METHODS)[number]>;
const complete: Missing extends never ? true : Missing = true;
void complete;

/**
 * The repository with every method's rejection passed through `translate` (translateError, or a library's
 * own translation that ends in it), so that no path (a pool acquire timeout in a point read, a connection
 * dropped mid-query in any method) lets a library error through. Each implementation's createRepository
 * returns its repository wrapped by this.
 */
export function translatingErrors(
  repository: ShopRepository,
  translate: (error: unknown) => unknown = translateError,
): ShopRepository {
  const wrapped: Partial<Record<keyof ShopRepository, unknown>> = {};
  for (const name of SHOP_REPOSITORY_METHODS) {
    const method = repository[name] as (...args: unknown[]) => Promise<unknown>;
    wrapped[name] = async (...args: unknown[]) => {
      try {
        return await method.apply(repository, args);
      } catch (error) {
        throw translate(error);
      }
    };
  }
  return wrapped as ShopRepository;
}
