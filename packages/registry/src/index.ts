import type { ImplementationMeta, RepositoryFactory } from '@dal/core';

export interface ImplementationModule {
  meta: ImplementationMeta;
  createRepository: RepositoryFactory;
}

export interface RegisteredImplementation {
  id: string;
  /** Imported only when selected, so one implementation's start-up cost never lands on another's run. */
  load(): Promise<ImplementationModule>;
}

/** Every implementation of the contract, raw pg first: it is the reference the others are verified against. */
export const IMPLEMENTATIONS: readonly RegisteredImplementation[] = [
  { id: 'pg', load: () => import('@dal/impl-pg') },
  { id: 'kysely', load: () => import('@dal/impl-kysely') },
  { id: 'knex', load: () => import('@dal/impl-knex') },
  { id: 'drizzle', load: () => import('@dal/impl-drizzle') },
  { id: 'prisma', load: () => import('@dal/impl-prisma') },
  { id: 'typeorm', load: () => import('@dal/impl-typeorm') },
  { id: 'postgresjs', load: () => import('@dal/impl-postgresjs') },
  { id: 'mikroorm', load: () => import('@dal/impl-mikroorm') },
  { id: 'sequelize', load: () => import('@dal/impl-sequelize') },
];

export const REFERENCE_ID = 'pg';
