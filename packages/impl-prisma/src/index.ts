import { createRequire } from 'node:module';
import {
  type ImplementationMeta,
  packageVersion,
  type RepositoryOptions,
  type ShopRepository,
  translatingErrors,
} from '@dal/core';
import { SUPPORTED_BULK_METHODS } from './bulk';
import { PrismaShopRepository } from './repository';

// the prisma CLI's main export points at a file it does not ship, so packageVersion cannot resolve it;
// its package.json is exported
const cliVersion: string = createRequire(import.meta.url)('prisma/package.json').version;

export const meta: ImplementationMeta = {
  id: 'prisma',
  displayName: 'Prisma 7 (@prisma/adapter-pg)',
  kind: 'orm',
  driver: 'pg',
  libraries: {
    prisma: cliVersion,
    '@prisma/client': packageVersion('@prisma/client', import.meta.url),
    '@prisma/adapter-pg': packageVersion('@prisma/adapter-pg', import.meta.url),
    pg: packageVersion('pg', import.meta.url),
  },
  bulkMethods: SUPPORTED_BULK_METHODS,
  escapeHatches: [
    {
      method: 'adjustStock/pessimistic',
      reason:
        'Prisma has no row-lock API: the SELECT ... FOR NO KEY UPDATE before the update is a $queryRaw in the interactive transaction',
    },
    {
      method: 'softDeleteCustomer',
      reason:
        "Prisma's update data takes values only: deleted_at = now(), the database clock with microseconds, is $executeRaw (a Date would be the application's clock)",
    },
    {
      method: 'updateProductPrice',
      reason:
        "Prisma's update data takes values only: the compare-and-set UPDATE ... SET updated_at = now() WHERE id AND version RETURNING is $queryRaw (update() would send the application's new Date())",
    },
    {
      method: 'upsertProducts',
      reason:
        "Prisma's upsert writes one row per call; a multi-row INSERT ... ON CONFLICT (sku) DO UPDATE that bumps the version has no Prisma API ($executeRaw with Prisma.join)",
    },
    {
      method: 'listOrdersKeyset',
      reason:
        'Prisma has no row-value comparison (its cursor option re-reads the cursor row in a sub-select) and cannot read created_at with microseconds for the exact cursor ($queryRaw)',
    },
    {
      method: 'insertOrderItems/unnest',
      reason:
        'Prisma has no INSERT ... SELECT FROM unnest(...) API; createMany binds every value ($executeRaw)',
    },
  ],
  previewFeatures: ['relationJoins'],
  preparedStatements:
    "@prisma/adapter-pg's `statementNameGenerator`: every statement, named by a hash of its SQL text (src/statement-names.ts)",
};

export function createRepository(options: RepositoryOptions): ShopRepository {
  return translatingErrors(new PrismaShopRepository(options));
}
