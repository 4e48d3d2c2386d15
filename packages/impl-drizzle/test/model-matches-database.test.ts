import { liveColumns, SCHEMA_TABLES, useSchemaDatabase } from '@dal/testkit';
import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { expect, test } from 'vitest';
import { accounts, customers, orderItems, orders, products, transfers } from '../src/schema';

const db = useSchemaDatabase('drizzle_model');
const TABLES: PgTable[] = [customers, products, orders, orderItems, accounts, transfers];
const byName = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** Rows of `text`, whose $1 is the list of the schema's tables. */
async function query<T>(text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    return (await client.query(text, [SCHEMA_TABLES])).rows;
  } finally {
    await client.end();
  }
}

test('the Drizzle tables have exactly the columns, types and nullability of the live schema', async () => {
  const model = TABLES.flatMap((table) => {
    const { name, columns } = getTableConfig(table);
    return columns.map((c) => ({
      table: name,
      column: c.name,
      // information_schema names the type without its precision: timestamp (6) with time zone -> timestamp with time zone
      type: c.getSQLType().replace(/ ?\(\d+\)/, ''),
      nullable: !c.notNull,
    }));
  });
  const key = (c: { table: string; column: string }) => ({ ...c, key: `${c.table}.${c.column}` });
  const live = await liveColumns(db.url);
  expect(live).toHaveLength(32);
  expect(model.map(key).sort(byName)).toEqual(live.map(key).sort(byName));
});

test('timestamps are timestamptz(6) in both, and identity columns are GENERATED ALWAYS in both', async () => {
  const model = TABLES.flatMap((table) => {
    const { name, columns } = getTableConfig(table);
    return columns.flatMap((c) => {
      const column = c as typeof c & { precision?: number; generatedIdentity?: { type: string } };
      if (c.columnType === 'PgTimestamp') return [`${name}.${c.name} precision ${column.precision}`];
      if (column.generatedIdentity) return [`${name}.${c.name} identity ${column.generatedIdentity.type}`];
      return [];
    });
  });
  const live = await query<{ fact: string }>(
    `SELECT table_name || '.' || column_name || CASE
              WHEN is_identity = 'YES' THEN ' identity ' || lower(identity_generation)
              ELSE ' precision ' || datetime_precision END AS fact
       FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name = ANY($1) AND (data_type LIKE 'timestamp%' OR is_identity = 'YES')`,
  );
  expect(model.sort()).toEqual(live.map((r) => r.fact).sort());
});

test('constraint and index names (and the cascading foreign key) are those of schema/', async () => {
  const model = TABLES.flatMap((table) => {
    const config = getTableConfig(table);
    return [
      ...config.columns.filter((c) => c.primary).map(() => `p ${config.name}_pkey`),
      ...config.columns.filter((c) => c.isUnique).map((c) => `u ${c.uniqueName}`),
      ...config.uniqueConstraints.map((u) => `u ${u.getName()}`),
      ...config.foreignKeys.map((fk) => `f ${fk.getName()} on delete ${fk.onDelete ?? 'no action'}`),
      ...config.checks.map((c) => `c ${c.name}`),
      ...config.indexes.map((i) => `i ${i.config.name}${i.config.unique ? ' unique' : ''}`),
    ];
  });
  const live = await query<{ fact: string }>(
    `SELECT contype::text || ' ' || conname || CASE contype WHEN 'f' THEN ' on delete ' ||
              CASE confdeltype WHEN 'c' THEN 'cascade' WHEN 'a' THEN 'no action' ELSE confdeltype::text END
              ELSE '' END AS fact
       FROM pg_constraint
      WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text = ANY($1)
        AND contype IN ('p', 'u', 'f', 'c') -- PostgreSQL 18 also lists NOT NULL (n): the first test covers it
     UNION ALL
     SELECT 'i ' || c.relname || CASE WHEN ix.indisunique THEN ' unique' ELSE '' END
       FROM pg_index ix JOIN pg_class c ON c.oid = ix.indexrelid
      WHERE c.relnamespace = 'public'::regnamespace AND ix.indrelid::regclass::text = ANY($1)
        AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = ix.indexrelid)`,
  );
  expect(model.sort()).toEqual(live.map((r) => r.fact).sort());
});
