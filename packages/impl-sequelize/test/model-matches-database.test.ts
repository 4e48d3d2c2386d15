import { liveColumns, SCHEMA_TABLES, useSchemaDatabase } from '@dal/testkit';
import pg from 'pg';
import type { Model, ModelStatic, Options, Sequelize } from 'sequelize';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Models } from '../src/models';
import { createSequelize } from '../src/sequelize';

const db = useSchemaDatabase('sequelize_model');
let sequelize: Sequelize;
let models: Models;
/** The six models, as one type (their static methods are typed per model). */
const all = () => Object.values(models) as ModelStatic<Model>[];

beforeAll(() => {
  ({ sequelize, models } = createSequelize({ connectionString: db.url, poolSize: 3 }));
});

afterAll(async () => {
  await sequelize.close();
});

async function query(sql: string, values: unknown[] = []): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    return (await client.query(sql, values)).rows;
  } finally {
    await client.end();
  }
}

test('the models describe the live schema exactly: tables, columns, types, nullability', async () => {
  const model = all()
    .flatMap((m) =>
      Object.values(m.getAttributes()).map((attribute) => ({
        table: m.getTableName() as string,
        column: attribute.field!,
        // toSql() is the DDL Sequelize would write: INTEGER, TEXT, BIGINT, TIMESTAMP WITH TIME ZONE — in
        // lower case, information_schema's names for the same types
        type: (attribute.type as { toSql(): string }).toSql().toLowerCase(),
        nullable: attribute.allowNull !== false,
      })),
    )
    .sort((a, b) => a.table.localeCompare(b.table) || a.column.localeCompare(b.column));
  const live = await liveColumns(db.url);
  expect(live).toHaveLength(32);
  expect(model).toEqual(live);
});

test('each association joins on the foreign key column of schema/', async () => {
  const joins = all().flatMap((m) =>
    Object.values(m.associations)
      .filter((a) => a.associationType === 'BelongsTo')
      .map((a) => {
        const column = m.getAttributes()[a.foreignKey as keyof object] as { field: string };
        return `${m.getTableName()}.${column.field} -> ${a.target.getTableName()}`;
      }),
  );
  const rows = await query(
    `SELECT conrelid::regclass::text || '.' || a.attname || ' -> ' || confrelid::regclass::text AS j
       FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
      WHERE c.contype = 'f' AND conrelid::regclass::text = ANY($1)`,
    [SCHEMA_TABLES],
  );
  expect(joins.sort()).toEqual(rows.map((r) => r.j).sort());
  // hasMany sides of the same keys: the ones the loaders use
  expect(models.Order.associations.items?.foreignKey).toBe('orderId');
  expect(models.Customer.associations.orders?.foreignKey).toBe('customerId');
});

test('the unique constraints the models name are those of schema/', async () => {
  const model = all().flatMap((m) =>
    Object.values(m.getAttributes())
      .filter((a) => typeof a.unique === 'string')
      .map((a) => `${m.getTableName()} ${a.unique}`),
  );
  const rows = await query(
    `SELECT conrelid::regclass::text || ' ' || conname AS c FROM pg_constraint
      WHERE conrelid::regclass::text = ANY($1) AND contype = 'u'`,
    [SCHEMA_TABLES],
  );
  expect(model.sort()).toEqual(rows.map((r) => r.c).sort());
});

test('every primary key is an identity column, autoIncrement in the models', async () => {
  const model = all().map((m) => {
    const [key] = Object.values(m.getAttributes()).filter((a) => a.primaryKey);
    return `${m.getTableName()}.${key!.field} ${key!.autoIncrement === true}`;
  });
  const rows = await query(
    `SELECT table_name || '.' || column_name || ' ' || (is_identity = 'YES')::text AS c
       FROM information_schema.columns c
       JOIN information_schema.key_column_usage k USING (table_schema, table_name, column_name)
       JOIN information_schema.table_constraints t USING (table_schema, table_name, constraint_name)
      WHERE c.table_schema = 'public' AND t.constraint_type = 'PRIMARY KEY' AND c.table_name = ANY($1)`,
    [SCHEMA_TABLES],
  );
  expect(model.sort()).toEqual(rows.map((r) => r.c).sort());
});

test('Sequelize never manages timestamps or versions itself, logs nothing, and pools poolSize connections', () => {
  for (const m of all()) {
    expect(m.options.timestamps, m.name).toBe(false);
    expect(m.options.paranoid, m.name).toBeFalsy();
    expect(m.options.version, m.name).toBeFalsy();
  }
  const { options } = sequelize as unknown as { options: Options };
  expect(options.logging).toBe(false);
  expect(options.pool?.max).toBe(3);
  expect(sequelize.getDialect()).toBe('postgres');
});
