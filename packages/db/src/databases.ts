import pg from 'pg';
import { migrate } from './migrate';
import { withDatabase } from './url';

const NAME = /^[a-z_][a-z0-9_]{0,62}$/;

async function admin<T>(adminUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function checkName(name: string): string {
  // identifiers never come from input: only names this project builds, checked here
  if (!NAME.test(name)) throw new Error(`not a safe database name: ${name}`);
  return name;
}

export async function databaseExists(adminUrl: string, name: string): Promise<boolean> {
  return admin(adminUrl, async (c) => {
    const { rowCount } = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return rowCount === 1;
  });
}

/** Drops `name` if it exists (closing its connections) and creates it empty. Returns its URL. */
export async function recreateDatabase(adminUrl: string, name: string): Promise<string> {
  checkName(name);
  await admin(adminUrl, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.query(`CREATE DATABASE "${name}" TEMPLATE template0 ENCODING 'UTF8'`);
  });
  return withDatabase(adminUrl, name);
}

/** A fresh database with the schema of schema/ applied. Returns its URL. */
export async function createSchemaDatabase(adminUrl: string, name: string): Promise<string> {
  const url = await recreateDatabase(adminUrl, name);
  await migrate(url);
  return url;
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  checkName(name);
  await admin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

/** Empties every table of the schema and restarts its identities. */
export async function truncateAll(client: pg.ClientBase | pg.Pool): Promise<void> {
  await client.query(
    'TRUNCATE order_items, orders, transfers, accounts, products, customers RESTART IDENTITY CASCADE',
  );
}
