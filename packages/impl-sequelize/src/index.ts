import {
  type ImplementationMeta,
  packageVersion,
  type RepositoryOptions,
  type ShopRepository,
} from '@dal/core';
import { SUPPORTED_BULK_METHODS } from './bulk';
import { translatingErrors } from './errors';
import { SequelizeShopRepository } from './repository';
import { createSequelize } from './sequelize';

export const meta: ImplementationMeta = {
  id: 'sequelize',
  displayName: 'Sequelize 6 (Model.init models)',
  kind: 'orm',
  driver: 'pg',
  libraries: {
    sequelize: packageVersion('sequelize', import.meta.url),
    pg: packageVersion('pg', import.meta.url),
    'pg-copy-streams': packageVersion('pg-copy-streams', import.meta.url),
  },
  bulkMethods: SUPPORTED_BULK_METHODS,
  escapeHatches: [
    {
      method: 'upsertProducts',
      reason:
        'bulkCreate({ updateOnDuplicate }) renders only `column = EXCLUDED.column` and cannot write version = products.version + 1: the INSERT ... ON CONFLICT is written whole and sent with sequelize.query and bind parameters',
    },
    {
      method: 'insertOrderItems/unnest',
      reason:
        'Sequelize has no INSERT ... SELECT: bulkCreate only writes VALUES lists; INSERT ... SELECT FROM unnest($1::int[], ...) through sequelize.query() with bind parameters',
    },
    {
      method: 'insertOrderItems/copy',
      reason:
        'Sequelize has no COPY: COPY FROM STDIN (pg-copy-streams) on the pg Client of the managed transaction (`t.connection`)',
    },
  ],
};

export function createRepository(options: RepositoryOptions): ShopRepository {
  const { sequelize, models } = createSequelize(options);
  return translatingErrors(new SequelizeShopRepository(sequelize, models));
}
