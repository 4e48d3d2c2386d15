import 'reflect-metadata';
import { DEFAULT_ACQUIRE_TIMEOUT_MS, DEFAULT_STATEMENT_TIMEOUT_MS, type RepositoryOptions } from '@dal/core';
import { DataSource } from 'typeorm';
import { ENTITIES } from './entities';

/**
 * schema/ creates the tables: TypeORM never synchronizes, drops or migrates. `poolSize` is TypeORM's name for
 * the pg pool's `max`; `extra` passes it to the pg.Pool as well, so the two can never disagree.
 */
export function createDataSource(options: RepositoryOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.connectionString,
    entities: ENTITIES,
    poolSize: options.poolSize,
    extra: {
      max: options.poolSize,
      connectionTimeoutMillis: options.acquireTimeoutMs ?? DEFAULT_ACQUIRE_TIMEOUT_MS,
      // node-postgres sends it in each connection's startup packet (TypeORM has no option of its own)
      statement_timeout: options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
    },
    synchronize: false,
    dropSchema: false,
    migrationsRun: false,
    logging: false,
  });
}
