import { DEFAULT_ACQUIRE_TIMEOUT_MS, DEFAULT_STATEMENT_TIMEOUT_MS, type RepositoryOptions } from '@dal/core';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import * as schema from './schema';

export type Db = NodePgDatabase<typeof schema>;
/** A transaction handle: the same query builders as Db, bound to the transaction's connection. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** The node-postgres pool and Drizzle over it; no logger, so no statement logging. */
export function connect(options: RepositoryOptions): { pool: pg.Pool; db: Db } {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolSize,
    connectionTimeoutMillis: options.acquireTimeoutMs ?? DEFAULT_ACQUIRE_TIMEOUT_MS,
    // sent in each connection's startup packet: the server cancels a longer statement (57014)
    statement_timeout: options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
  });
  // An idle connection the server ends (restart, pg_terminate_backend) is dropped by the pool, which then
  // emits 'error'; without a listener that would crash the process although no operation was affected.
  pool.on('error', () => {});
  // the same for a checked-out client: the statement in flight fails with the error, which then is also
  // emitted on the client, where the pool does not listen while it is checked out
  pool.on('connect', (client) => client.on('error', () => {}));
  return { pool, db: drizzle({ client: pool, schema }) };
}

/** Drizzle over one checked-out client, for work that also needs the raw client (COPY). */
export function onClient(client: pg.PoolClient): Db {
  return drizzle({ client, schema });
}

/**
 * Ends the pool and waits until every connection is closed: pool.end() resolves as soon as it has asked its
 * clients to end, before their sockets close.
 */
export async function endPool(pool: pg.Pool): Promise<void> {
  let open = pool.totalCount;
  const closed = new Promise<void>((resolve) => {
    if (open === 0) resolve();
    pool.on('remove', () => {
      if (--open === 0) resolve();
    });
  });
  await pool.end();
  await closed;
}
