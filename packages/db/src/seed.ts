import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { truncateAll } from './databases';
import {
  DEFAULT_SEED,
  datasetFingerprint,
  generateDataset,
  type RowSource,
  SCALES,
  type Scale,
} from './dataset';
import { schemaVersion } from './migrate';

const TABLES = [
  ['customers', '(id, email, name, created_at, deleted_at)', 'customers'],
  ['products', '(id, sku, name, price_cents, stock, version, updated_at)', 'products'],
  ['orders', '(id, customer_id, status, total_cents, created_at)', 'orders'],
  ['order_items', '(id, order_id, product_id, quantity, unit_price_cents)', 'orderItems'],
  ['accounts', '(id, customer_id, balance_cents, version)', 'accounts'],
] as const;

/** Groups lines into ~256 KiB strings so the COPY stream is not fed millions of tiny chunks. */
function* batches(
  lines: Iterable<string>,
  onRows: (n: number) => void,
  size = 256 * 1024,
): Generator<string> {
  let buffer = '';
  let rows = 0;
  for (const line of lines) {
    buffer += line;
    rows++;
    if (buffer.length >= size) {
      yield buffer;
      onRows(rows);
      buffer = '';
      rows = 0;
    }
  }
  if (buffer) yield buffer;
  onRows(rows);
}

/** Where seeding stands: reported about once a second while a table loads, and when it is complete. */
export interface SeedProgress {
  table: string;
  /** Rows of this table loaded so far, and how many it will have (order_items: an estimate, 3 per order). */
  rows: number;
  expectedRows: number;
  /** This table's load rate so far. */
  rowsPerSec: number;
  /** true once the table is complete. */
  done: boolean;
  elapsedMs: number;
  /** Time left for the rest of the dataset at the rate of every row loaded so far (null before any). */
  remainingMs: number | null;
}

/** Rows each table of `scale` will get: order_items has 1 to 5 per order (mean 3), capped by the product count. */
export function expectedRows(scale: Scale): Record<string, number> {
  const s = SCALES[scale];
  return {
    customers: s.customers,
    products: s.products,
    orders: s.orders,
    order_items: s.orders * Math.min(3, (1 + Math.min(5, s.products)) / 2),
    accounts: s.accounts,
  };
}

export interface SeedResult {
  scale: Scale;
  seed: number;
  fingerprint: string;
  rows: Record<string, number>;
  milliseconds: number;
}

async function copyTable(
  client: pg.ClientBase,
  table: string,
  columns: string,
  source: RowSource,
  onRows: (n: number) => void,
) {
  await pipeline(
    Readable.from(batches(source(), onRows)),
    client.query(copyFrom(`COPY ${table} ${columns} FROM STDIN`)),
  );
}

/** Progress reporting: per table rows/s, and the time left for the whole dataset at the overall rate. */
function progressReporter(scale: Scale, started: number, report?: (p: SeedProgress) => void) {
  const expected = expectedRows(scale);
  const total = Object.values(expected).reduce((a, b) => a + b, 0);
  let loadedBefore = 0; // rows of completed tables
  let table = '';
  let rows = 0;
  let tableStarted = started;
  let lastReport = started;
  const snapshot = (done: boolean): SeedProgress => {
    const now = performance.now();
    const loaded = loadedBefore + rows;
    const elapsedMs = now - started;
    return {
      table,
      rows,
      expectedRows: done ? rows : Math.max(rows, Math.round(expected[table] ?? rows)),
      rowsPerSec: rows / Math.max((now - tableStarted) / 1000, 1e-3),
      done,
      elapsedMs,
      remainingMs: loaded > 0 ? (Math.max(0, total - loaded) * elapsedMs) / loaded : null,
    };
  };
  return {
    begin(name: string) {
      table = name;
      rows = 0;
      tableStarted = performance.now();
    },
    rows(n: number) {
      rows += n;
      const now = performance.now();
      if (report && now - lastReport >= 1000) {
        lastReport = now;
        report(snapshot(false));
      }
    },
    end() {
      report?.(snapshot(true));
      loadedBefore += rows;
    },
  };
}

/**
 * Empties the schema's tables and loads the dataset of `scale` with COPY, then moves the identity sequences
 * past the loaded ids, ANALYZEs, and records the dataset's fingerprint (scale + seed + schema version).
 */
export async function seedDataset(
  connectionString: string,
  options: { scale: Scale; seed?: number; onProgress?: (progress: SeedProgress) => void },
): Promise<SeedResult> {
  const seed = options.seed ?? DEFAULT_SEED;
  const started = performance.now();
  const data = generateDataset(options.scale, seed);
  const fingerprint = datasetFingerprint(options.scale, seed, schemaVersion());
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query('BEGIN');
    await truncateAll(client);
    const progress = progressReporter(options.scale, started, options.onProgress);
    for (const [table, columns, key] of TABLES) {
      progress.begin(table);
      await copyTable(client, table, columns, data[key], (n) => progress.rows(n));
      progress.end();
    }
    for (const [table] of [...TABLES, ['transfers']]) {
      await client.query(
        `SELECT setval(pg_get_serial_sequence('${table}', 'id'), coalesce((SELECT max(id) FROM ${table}), 0) + 1, false)`,
      );
    }
    await client.query(`CREATE TABLE IF NOT EXISTS dal_dataset (
      id boolean PRIMARY KEY DEFAULT true CHECK (id), fingerprint text NOT NULL, scale text NOT NULL,
      seed integer NOT NULL, seeded_at timestamptz NOT NULL DEFAULT now())`);
    await client.query(
      `INSERT INTO dal_dataset (fingerprint, scale, seed) VALUES ($1, $2, $3)
       ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint, scale = excluded.scale,
         seed = excluded.seed, seeded_at = now()`,
      [fingerprint, options.scale, seed],
    );
    await client.query('COMMIT');
    await client.query('ANALYZE');
    const rows: Record<string, number> = {};
    for (const [table] of TABLES) {
      const { rows: r } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
      rows[table] = r[0]!.n;
    }
    return {
      scale: options.scale,
      seed,
      fingerprint,
      rows,
      milliseconds: Math.round(performance.now() - started),
    };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}

/** The fingerprint recorded by the last seedDataset on this database, or null. */
export async function readDatasetFingerprint(connectionString: string): Promise<string | null> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const { rows } = await client.query<{ fingerprint: string }>(
      "SELECT fingerprint FROM dal_dataset WHERE to_regclass('dal_dataset') IS NOT NULL",
    );
    return rows[0]?.fingerprint ?? null;
  } catch {
    return null;
  } finally {
    await client.end();
  }
}
