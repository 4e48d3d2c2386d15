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
import { MODEL } from '../src/tables';

const db = useSchemaDatabase('knex_model');

// MODEL is the row interfaces of src/tables.ts at run time (the compiler checks every key, its type family
// and its nullability against them), so comparing it with the live schema compares the Knex model.
test('the row interfaces match the live schema: columns, types, nullability', async () => {
  const model = Object.entries(MODEL)
    .flatMap(([table, columns]) =>
      Object.entries(columns).map(([column, spec]) => ({
        table,
        column,
        type: spec.type,
        nullable: spec.nullable,
      })),
    )
    .sort((a, b) => a.table.localeCompare(b.table) || a.column.localeCompare(b.column));
  const live = (await liveColumns(db.url)).sort(
    (a, b) => a.table.localeCompare(b.table) || a.column.localeCompare(b.column),
  );
  expect(model).toEqual(live);
  expect(live).toHaveLength(32);
});

test('every column list the queries read names a column of the model', async () => {
  const read = {
    customers: CUSTOMER_COLUMNS,
    products: PRODUCT_COLUMNS,
    orders: ORDER_COLUMNS,
    order_items: ITEM_COLUMNS,
    accounts: ACCOUNT_COLUMNS,
    transfers: TRANSFER_COLUMNS,
  };
  const unknown = Object.entries(read).flatMap(([table, columns]) =>
    columns.filter((c) => !(c in MODEL[table as keyof typeof MODEL])).map((c) => `${table}.${c}`),
  );
  expect(unknown).toEqual([]);
  // the domain reads every column but customers.deleted_at (a filter, never returned)
  expect(Object.values(read).flat()).toHaveLength(31);
});
