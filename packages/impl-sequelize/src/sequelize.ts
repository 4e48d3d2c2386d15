import { DEFAULT_ACQUIRE_TIMEOUT_MS, DEFAULT_STATEMENT_TIMEOUT_MS, type RepositoryOptions } from '@dal/core';
import pg from 'pg';
import { Sequelize } from 'sequelize';
import { defineModels, type Models } from './models';

/**
 * One Sequelize instance on node-postgres (the `pg` this package depends on, passed as `dialectModule`
 * rather than resolved from Sequelize's own location), statement logging off, and Sequelize's own pool
 * (sequelize-pool over pg Clients, not pg.Pool) holding at most `poolSize` connections. schema/ creates the
 * tables: nothing here ever calls sync().
 */
export function createSequelize(options: RepositoryOptions): { sequelize: Sequelize; models: Models } {
  const sequelize = new Sequelize(options.connectionString, {
    dialect: 'postgres',
    dialectModule: pg,
    logging: false,
    pool: {
      max: options.poolSize,
      min: 0,
      acquire: options.acquireTimeoutMs ?? DEFAULT_ACQUIRE_TIMEOUT_MS,
    },
    // Sequelize's postgres connection manager hands this dialectOptions key to each pg Client, which sends it
    // in the startup packet: every pooled connection has the server-side timeout from the start
    dialectOptions: { statement_timeout: options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS },
  });
  return { sequelize, models: defineModels(sequelize) };
}
