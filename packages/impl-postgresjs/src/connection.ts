import {
  DEFAULT_ACQUIRE_TIMEOUT_MS,
  DEFAULT_STATEMENT_TIMEOUT_MS,
  exactCents,
  type RepositoryOptions,
  UnavailableError,
} from '@dal/core';
import postgres from 'postgres';
import { isTerminatedSession } from './errors';
import { withTransaction } from './transaction';

/** How long close() lets statements in flight finish before it destroys their connections, in seconds. */
const CLOSE_TIMEOUT_S = 5;

/** PostgreSQL type oids the code names: postgres.js takes a bare oid where it cannot infer a type. */
export const OID = { int4: 23, text: 25, int8: 20 } as const;

/**
 * int8 (bigint columns, count(*)) as a JavaScript number. postgres.js returns int8 as a string unless a type
 * says otherwise (its own `postgres.BigInt` gives a BigInt); the contract wants numbers, and every amount it
 * accepts is a safe integer, so a value beyond 2^53 - 1 fails the query (core's exactCents: ValidationError)
 * rather than coming back rounded.
 */
const int8: postgres.PostgresType<number> = {
  to: OID.int8,
  from: [OID.int8],
  serialize: (value: number) => String(value),
  parse: (text: string) => exactCents(text, 'int8 value'),
};

/**
 * postgres.js' own pool of `poolSize` connections (it does not use node-postgres). `prepare` is its
 * statement mode: true (its default) names every statement and parses it once per connection, false sends
 * unnamed statements. The column transform turns result columns into camelCase and the camelCase keys given
 * to the `sql(rows, ...columns)` helper into snake_case column names.
 */
function connect(options: RepositoryOptions) {
  return postgres(options.connectionString, {
    max: options.poolSize,
    prepare: options.preparedStatements ?? false,
    types: { int8 },
    transform: { column: { from: postgres.toCamel, to: postgres.fromCamel } },
    // run-time parameters postgres.js sends in each connection's startup packet
    connection: { statement_timeout: options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS },
  });
}

export type Sql = ReturnType<typeof connect>;
type Types = Sql extends postgres.Sql<infer T> ? T : never;
export type TransactionSql = postgres.TransactionSql<Types>;
/** The pool or a transaction: what a statement can be sent through. */
export type Queryable = postgres.ISql<Types>;

/**
 * The postgres.js instance with the acquire timeout it lacks. postgres.js has none (`connect_timeout` covers
 * opening a connection only): a statement or transaction that finds every connection reserved or busy
 * describing waits in its queue however long that takes. Here it fails with UnavailableError after
 * `acquireTimeoutMs` instead, like node-postgres' pool.
 */
export class Pool {
  readonly sql: Sql;
  private readonly acquireTimeoutMs: number;

  constructor(options: RepositoryOptions) {
    this.sql = connect(options);
    this.acquireTimeoutMs = options.acquireTimeoutMs ?? DEFAULT_ACQUIRE_TIMEOUT_MS;
  }

  /**
   * Sends the statement `statement()` builds through the pool and awaits it.
   *
   * When no connection has taken it after `acquireTimeoutMs`, it is taken out of postgres.js' queue
   * (`cancel()` on a statement not yet sent removes it) and the call fails; a statement already on a
   * connection is never cut short.
   *
   * A statement that fails with the FATAL error of a terminated session is built and sent once more: see
   * `isTerminatedSession`.
   */
  async run<T extends readonly postgres.MaybeRow[]>(
    statement: () => postgres.PendingQuery<T>,
  ): Promise<postgres.RowList<T>> {
    try {
      return await this.acquire(statement());
    } catch (error) {
      if (!isTerminatedSession(error)) throw error;
      return this.acquire(statement());
    }
  }

  /**
   * `sql.begin` with the acquire timeout, retried on serialization failure or deadlock (at most `attempts`
   * times); `begin` is what sql.begin sends after BEGIN (e.g. 'isolation level serializable').
   */
  transaction<T>(
    fn: (tx: TransactionSql) => Promise<T>,
    options: { attempts?: number; begin?: string } = {},
  ): Promise<T> {
    return withTransaction(
      this.sql,
      this.acquireTimeoutMs,
      () => this.noConnection(),
      fn,
      options.attempts,
      options.begin,
    );
  }

  private acquire<T extends readonly postgres.MaybeRow[]>(
    query: postgres.PendingQuery<T>,
  ): Promise<postgres.RowList<T>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        // postgres.js sets `state` when it writes the statement to a connection
        if ((query as unknown as { state: unknown }).state) return;
        reject(this.noConnection());
        query.cancel();
      }, this.acquireTimeoutMs);
      query.then(
        (rows) => {
          clearTimeout(timer);
          resolve(rows);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  /**
   * Ends every connection once its statements are answered. postgres.js 3.4.9 waits for ever for a
   * connection the server killed under a statement and that was not used again (it still counts the dead
   * statement as in flight); after CLOSE_TIMEOUT_S such connections are destroyed.
   */
  end(): Promise<void> {
    return this.sql.end({ timeout: CLOSE_TIMEOUT_S });
  }

  private noConnection(): UnavailableError {
    return new UnavailableError(`no connection came free within ${this.acquireTimeoutMs} ms`);
  }
}
