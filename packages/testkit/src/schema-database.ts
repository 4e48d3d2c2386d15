import { randomBytes } from 'node:crypto';
import { createSchemaDatabase, dropDatabase } from '@dal/db';
import { afterAll, beforeAll, inject } from 'vitest';
import './provided-context';

/**
 * A database of this test file, created from schema/ before its tests and dropped after them, for tests
 * outside the contract suite (model-matches-database tests, library-specific checks).
 */
export function useSchemaDatabase(label: string): { readonly url: string; readonly database: string } {
  const adminUrl = inject('dalAdminUrl');
  const database = `dal_s_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  let url: string | undefined;
  beforeAll(async () => {
    url = await createSchemaDatabase(adminUrl, database);
  });
  afterAll(async () => {
    await dropDatabase(adminUrl, database);
  });
  return {
    database,
    get url() {
      if (!url) throw new Error('useSchemaDatabase: used before its beforeAll ran');
      return url;
    },
  };
}
