import { liveColumns, useSchemaDatabase } from '@dal/testkit';
import { expect, test } from 'vitest';
import { DATABASE_COLUMNS } from '../src/database';

const db = useSchemaDatabase('kysely_model');

// the Database interface vanishes at runtime; DATABASE_COLUMNS is its compiler-checked twin
test('the Database interface matches the live schema: tables, columns, types, nullability', async () => {
  const model = Object.entries(DATABASE_COLUMNS)
    .flatMap(([table, columns]) =>
      Object.entries(columns).map(([column, { type, nullable }]) => ({ table, column, type, nullable })),
    )
    .sort((a, b) => a.table.localeCompare(b.table) || a.column.localeCompare(b.column));
  const live = await liveColumns(db.url);
  expect(live).toHaveLength(32);
  expect(model).toEqual(live);
});
