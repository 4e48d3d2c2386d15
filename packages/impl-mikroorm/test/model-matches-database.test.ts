import { liveColumns, SCHEMA_TABLES, useSchemaDatabase } from '@dal/testkit';
import type { EntityMetadata } from '@mikro-orm/core';
import type { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { initOrm } from '../src/orm';

const db = useSchemaDatabase('mikroorm_model');
let orm: MikroORM;
let client: pg.Client;

beforeAll(async () => {
  orm = await initOrm({ connectionString: db.url, poolSize: 3 });
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
});

afterAll(async () => {
  await client.end();
  await orm.close(true);
});

const entities = (): EntityMetadata[] => Object.values(orm.getMetadata().getAll());
/** The properties stored in a column of the entity's own table (collections are the other side's column). */
const columns = (meta: EntityMetadata) =>
  meta.props.filter((p) => p.persist !== false && p.fieldNames?.length);

test('the entities describe the live schema exactly: tables, columns, types, nullability', async () => {
  const props = entities().flatMap((meta) => columns(meta).map((prop) => ({ meta, prop })));
  // the database spells each entity's columnType (timestamptz -> timestamp with time zone), no hand-made map
  const { rows } = await client.query(
    'SELECT t, format_type(t::regtype, NULL) AS spelled FROM unnest($1::text[]) t',
    [[...new Set(props.map(({ prop }) => prop.columnTypes[0]!))]],
  );
  const spelled = new Map(rows.map((r) => [r.t, r.spelled]));
  const model = props
    .map(({ meta, prop }) => ({
      table: meta.tableName,
      column: prop.fieldNames[0]!,
      type: spelled.get(prop.columnTypes[0]!),
      nullable: prop.nullable ?? false,
    }))
    .sort((a, b) => a.table.localeCompare(b.table) || a.column.localeCompare(b.column));
  const live = await liveColumns(db.url);
  expect(live).toHaveLength(32);
  expect(model).toEqual(live);
});

test('each many-to-one relation joins on a foreign key column of schema/', async () => {
  const model = entities().flatMap((meta) =>
    meta.relations
      .filter((r) => r.kind === 'm:1')
      .map((r) => `${meta.tableName}.${r.fieldNames[0]} -> ${orm.getMetadata().find(r.type)!.tableName}`),
  );
  const { rows } = await client.query(
    `SELECT conrelid::regclass::text || '.' || a.attname || ' -> ' || confrelid::regclass::text AS fk
       FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
      WHERE c.contype = 'f' AND conrelid::regclass::text = ANY($1)`,
    [SCHEMA_TABLES],
  );
  expect(model.sort()).toEqual(rows.map((r) => r.fk).sort());
});

test('every primary key is an identity column the ORM never writes (autoincrement)', async () => {
  const model = entities().map((meta) => {
    const id = meta.properties[meta.primaryKeys[0]!]!;
    return `${meta.tableName}.${id.fieldNames[0]} ${id.autoincrement}`;
  });
  const { rows } = await client.query(
    `SELECT table_name || '.' || column_name || ' true' AS c FROM information_schema.columns
      WHERE table_schema = 'public' AND is_identity = 'YES'`,
  );
  expect(model.sort()).toEqual(rows.map((r) => r.c).sort());
});

test('the database defaults the entities rely on (defaultRaw) exist in schema/', async () => {
  const model = entities().flatMap((meta) =>
    columns(meta)
      .filter((p) => p.defaultRaw !== undefined)
      .map((p) => `${meta.tableName}.${p.fieldNames[0]} ${p.defaultRaw}`),
  );
  const { rows } = await client.query(
    `SELECT table_name || '.' || column_name || ' ' || column_default AS c FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name = ANY($1) AND column_default IS NOT NULL AND is_identity = 'NO'`,
    [SCHEMA_TABLES],
  );
  expect(model.sort()).toEqual(rows.map((r) => r.c).sort());
});

test('the ORM logs nothing, never touches the schema, and its pool holds poolSize connections', () => {
  expect(orm.config.get('debug')).toBe(false);
  expect(orm.config.get('ensureDatabase')).toBe(false);
  expect(orm.config.get('allowGlobalContext')).toBe(false);
  expect(orm.em.getConnection().getKnex().client.pool.max).toBe(3);
});
