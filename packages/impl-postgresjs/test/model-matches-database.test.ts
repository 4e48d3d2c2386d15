import { liveColumns, useSchemaDatabase } from '@dal/testkit';
import { expect, test } from 'vitest';
import {
  ACCOUNT_COLUMNS,
  CUSTOMER_COLUMNS,
  ITEM_COLUMNS,
  ORDER_COLUMNS,
  PRODUCT_COLUMNS,
  TRANSFER_COLUMNS,
} from '../src/rows';

const db = useSchemaDatabase('postgresjs_model');

// raw SQL has no model; what it has are the column lists it reads, which must exist with these names
test('every column the SQL reads exists in the live schema', async () => {
  const live = new Set((await liveColumns(db.url)).map((c) => `${c.table}.${c.column}`));
  const read = {
    customers: CUSTOMER_COLUMNS,
    products: PRODUCT_COLUMNS,
    orders: ORDER_COLUMNS,
    order_items: ITEM_COLUMNS,
    accounts: ACCOUNT_COLUMNS,
    transfers: TRANSFER_COLUMNS,
  };
  const missing = Object.entries(read).flatMap(([table, columns]) =>
    columns.map((c) => `${table}.${c}`).filter((c) => !live.has(c)),
  );
  expect(missing).toEqual([]);
  expect(live.size).toBe(32); // every column of the six tables of schema/ is read somewhere
});
