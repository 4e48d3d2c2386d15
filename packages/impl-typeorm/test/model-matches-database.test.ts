import { liveColumns, SCHEMA_TABLES, useSchemaDatabase } from '@dal/testkit';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createDataSource } from '../src/data-source';

const db = useSchemaDatabase('typeorm_model');
let dataSource: DataSource;

beforeAll(async () => {
  dataSource = createDataSource({ connectionString: db.url, poolSize: 3 });
  await dataSource.initialize();
});

afterAll(async () => {
  await dataSource.destroy();
});

test('the entities describe the live schema exactly: tables, columns, types, nullability', async () => {
  const model = dataSource.entityMetadatas
    .flatMap((entity) =>
      entity.columns.map((column) => ({
        table: entity.tableName,
        column: column.databaseName,
        // normalizeType is how TypeORM's own schema diff spells a column type (timestamptz -> timestamp with time zone)
        type: dataSource.driver.normalizeType(column),
        nullable: column.isNullable,
      })),
    )
    .sort((a, b) => a.table.localeCompare(b.table) || a.column.localeCompare(b.column));
  const live = await liveColumns(db.url);
  expect(live).toHaveLength(32);
  expect(model).toEqual(live);
});

test('each relation joins on the foreign key column of schema/', () => {
  const joins = dataSource.entityMetadatas.flatMap((entity) =>
    entity.manyToOneRelations.map(
      (r) =>
        `${entity.tableName}.${r.joinColumns.map((c) => c.databaseName).join()} -> ${r.inverseEntityMetadata.tableName}`,
    ),
  );
  expect(joins.sort()).toEqual([
    'accounts.customer_id -> customers',
    'order_items.order_id -> orders',
    'order_items.product_id -> products',
    'orders.customer_id -> customers',
    'transfers.from_account_id -> accounts',
    'transfers.to_account_id -> accounts',
  ]);
});

test('the constraints carry the names of schema/, which constraintError translates by name', async () => {
  const model = dataSource.entityMetadatas.flatMap((entity) => [
    `${entity.tableName} p ${entity.primaryColumns[0]!.primaryKeyConstraintName}`,
    ...entity.foreignKeys.map((fk) => `${entity.tableName} f ${fk.name}`),
    ...entity.uniques.map((u) => `${entity.tableName} u ${u.name}`),
    ...entity.checks.map((c) => `${entity.tableName} c ${c.name}`),
  ]);
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT conrelid::regclass::text || ' ' || contype::text || ' ' || conname AS c FROM pg_constraint
        WHERE conrelid::regclass::text = ANY($1) AND contype IN ('p', 'f', 'u', 'c')`,
      [SCHEMA_TABLES],
    );
    expect(model.sort()).toEqual(rows.map((r) => r.c).sort());
  } finally {
    await client.end();
  }
});

test('every primary key is GENERATED ALWAYS AS IDENTITY, in the entities as in the database', async () => {
  const model = dataSource.entityMetadatas.map((entity) => {
    const id = entity.primaryColumns[0]!;
    return `${entity.tableName}.${id.databaseName} ${id.generationStrategy} ${id.generatedIdentity}`;
  });
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT table_name || '.' || column_name || ' identity ' || identity_generation AS c
         FROM information_schema.columns WHERE table_schema = 'public' AND is_identity = 'YES'`,
    );
    expect(model.sort()).toEqual(rows.map((r) => r.c).sort());
  } finally {
    await client.end();
  }
});

test('the data source never touches the schema and its pg pool holds poolSize connections', () => {
  const { options } = dataSource;
  expect(options).toMatchObject({
    synchronize: false,
    dropSchema: false,
    migrationsRun: false,
    logging: false,
  });
  expect((dataSource.driver as PostgresDriver).master.options.max).toBe(3);
});
