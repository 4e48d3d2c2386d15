import { DEFAULT_ACQUIRE_TIMEOUT_MS, DEFAULT_STATEMENT_TIMEOUT_MS, type RepositoryOptions } from '@dal/core';
import { MikroORM, type Options, PostgreSqlDriver } from '@mikro-orm/postgresql';
import { ENTITIES } from './entities';

/**
 * schema/ creates the tables: MikroORM never creates, checks or migrates anything here. `pool` goes to the
 * knex/tarn pool MikroORM keeps node-postgres clients in (tarn, not pg.Pool: `max` is the contract's poolSize).
 * `overrides` is for tests that record the SQL (a logger).
 */
export function initOrm(options: RepositoryOptions, overrides: Partial<Options> = {}): Promise<MikroORM> {
  return MikroORM.init({
    driver: PostgreSqlDriver,
    clientUrl: options.connectionString,
    entities: ENTITIES,
    pool: {
      min: 0,
      max: options.poolSize,
      // tarn's wait for a free connection; knex turns an expiry into KnexTimeoutError (UNAVAILABLE)
      acquireTimeoutMillis: options.acquireTimeoutMs ?? DEFAULT_ACQUIRE_TIMEOUT_MS,
    },
    // merged into the knex connection config MikroORM builds from clientUrl, and so handed to each pg Client,
    // which sends it in the startup packet: the server cancels a longer statement (57014)
    driverOptions: {
      connection: { statement_timeout: options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS },
    },
    debug: false,
    // no eager `select 1` at init (and no error log line for an unreachable server): the first query connects
    connect: false,
    // the defaults would run `SELECT 1 FROM pg_database` (and CREATE DATABASE) at init
    ensureDatabase: false,
    // never let a forgotten fork fall back to the global EntityManager and its identity map
    allowGlobalContext: false,
    ...overrides,
  });
}
