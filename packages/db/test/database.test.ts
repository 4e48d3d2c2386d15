import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  createSchemaDatabase,
  DatabaseSetupError,
  datasetFingerprint,
  dropDatabase,
  expectedRows,
  loadMigrations,
  migrate,
  type PostgresServer,
  readDatasetFingerprint,
  SCALES,
  type SeedProgress,
  StatementCounter,
  schemaVersion,
  seedDataset,
  startServer,
} from '../src/index';

let server: PostgresServer;
let url: string;
const name = `dal_db_test_${process.pid}`;

beforeAll(async () => {
  server = await startServer();
  url = await createSchemaDatabase(server.adminUrl, name);
}, 120_000);

afterAll(async () => {
  await dropDatabase(server.adminUrl, name);
  await server.stop();
});

describe('migrations', () => {
  test('are recorded, and applying them again is a no-op', async () => {
    expect(await migrate(url)).toEqual({ applied: [] });
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query('SELECT version FROM dal_schema_migrations ORDER BY version');
    await client.end();
    expect(rows.map((r) => r.version)).toEqual(loadMigrations().map((m) => m.version));
  });
});

describe('seeding', () => {
  test('COPY loads the scale, records its fingerprint, and moves identities past the loaded ids', async () => {
    const result = await seedDataset(url, { scale: 'test' });
    expect(result.rows).toMatchObject({ orders: SCALES.test.orders, customers: SCALES.test.customers });
    expect(await readDatasetFingerprint(url)).toBe(datasetFingerprint('test', 42, schemaVersion()));
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query(
      "INSERT INTO customers (email, name) VALUES ('fresh@example.com', 'Fresh') RETURNING id",
    );
    await client.end();
    expect(rows[0].id).toBe(SCALES.test.customers + 1);
  });

  test('progress: every table reported complete, in order, with its row count, rate and time left', async () => {
    const seen: SeedProgress[] = [];
    const result = await seedDataset(url, { scale: 'test', onProgress: (p) => seen.push(p) });
    const done = seen.filter((p) => p.done);
    expect(done.map((p) => p.table)).toEqual(['customers', 'products', 'orders', 'order_items', 'accounts']);
    for (const p of done) {
      expect(p.rows).toBe(result.rows[p.table]);
      expect(p.expectedRows).toBe(p.rows);
      expect(p.rowsPerSec).toBeGreaterThan(0);
    }
    expect(done.at(-1)!.remainingMs).toBe(0);
    expect(done[0]!.remainingMs).toBeGreaterThan(0);
    // the estimate of order_items (3 per order) is within 10% of what the generator makes
    const expected = expectedRows('test');
    expect(
      Math.abs(expected.order_items! - result.rows.order_items!) / result.rows.order_items!,
    ).toBeLessThan(0.1);
  });
});

describe('statement counting', () => {
  test('counts what the database executed, without transaction control', async (t) => {
    const counter = await StatementCounter.open(server.adminUrl, name);
    if (!counter) return t.skip('server without pg_stat_statements');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const counted = await counter.measure(async () => {
      await client.query('BEGIN');
      await client.query('SELECT id FROM orders WHERE id = $1', [1]);
      await client.query('SELECT id FROM orders WHERE id = $1', [2]);
      await client.query('SELECT id FROM customers LIMIT 3');
      await client.query('COMMIT');
    });
    await client.end();
    await counter.close();
    expect(counted.statements).toBe(3);
    expect(counted.rows).toBe(5);
    expect(counted.queries.map((q) => q.calls)).toEqual([2, 1]);
  });

  test('executed counts as read does, without reading texts it has seen', async (t) => {
    const counter = await StatementCounter.open(server.adminUrl, name);
    if (!counter) return t.skip('server without pg_stat_statements');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const run = async () => {
      await client.query('BEGIN');
      await client.query('SELECT id FROM orders WHERE id = $1', [1]);
      await client.query('SELECT id FROM customers LIMIT 3');
      await client.query('COMMIT');
    };
    try {
      for (let i = 0; i < 2; i++) {
        await counter.reset();
        await run();
        expect((await counter.read()).statements).toBe(2);
        expect(await counter.executed()).toBe(2);
      }
    } finally {
      await client.end();
      await counter.close();
    }
  });
});

describe('statement counting setup', () => {
  // Every test file opens a counter at start; two opening at once once failed one file's setup with a unique
  // violation on pg_extension_name_index. A database without the extension yet, and 12 counters at once:
  test('opening many counters at once on a database without the extension succeeds', async (t) => {
    const probe = await StatementCounter.open(server.adminUrl, name);
    if (!probe) return t.skip('server without pg_stat_statements');
    await probe.close();
    const fresh = `dal_db_race_${process.pid}`;
    const freshUrl = await createSchemaDatabase(server.adminUrl, fresh);
    try {
      const counters = await Promise.all(
        Array.from({ length: 12 }, () => StatementCounter.open(freshUrl, name)),
      );
      expect(counters.every((c) => c !== null)).toBe(true);
      await Promise.all(counters.map((c) => c?.close()));
    } finally {
      await dropDatabase(server.adminUrl, fresh);
    }
  });
});

describe('bad configuration', () => {
  test('an unreachable DATABASE_URL is one clear DatabaseSetupError with the password redacted', async () => {
    const error = await startServer({ databaseUrl: 'postgres://me:s3cret@127.0.0.1:1/nowhere' }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(DatabaseSetupError);
    expect(error.message).toMatch(
      /^cannot connect to PostgreSQL at postgres:\/\/me:\*\*\*@127\.0\.0\.1:1\/nowhere: /,
    );
    expect(error.message).not.toContain('s3cret');
    expect(error.message).not.toContain('\n');
  });

  test('a DATABASE_URL that is not a postgres URL is rejected before connecting', async () => {
    const error = await startServer({ databaseUrl: 'mysql://root:pw@localhost/db' }).catch((e) => e);
    expect(error).toBeInstanceOf(DatabaseSetupError);
    expect(error.message).toContain('not a valid postgres:// URL');
    expect(error.message).not.toContain(':pw@');
  });
});
