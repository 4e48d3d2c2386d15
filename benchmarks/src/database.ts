import { fileURLToPath } from 'node:url';
import {
  createSchemaDatabase,
  DEFAULT_SEED,
  databaseExists,
  datasetFingerprint,
  readDatasetFingerprint,
  SCALES,
  type Scale,
  type SeedProgress,
  schemaVersion,
  seedDataset,
  withDatabase,
} from '@dal/db';
import pg from 'pg';

/** Where the embedded PostgreSQL keeps the seeded benchmark databases between runs (git-ignored). */
export const DATA_DIR = fileURLToPath(new URL('../../.data/pg18', import.meta.url));

/** The seeded state that every write scenario is reset to. */
export interface Baseline {
  maxOrderId: number;
  maxItemId: number;
  maxProductId: number;
  maxCustomerId: number;
}

export interface DatasetInfo {
  scale: Scale;
  seed: number;
  fingerprint: string;
  /** true when this run seeded the database, false when it reused a matching one. */
  seeded: boolean;
  seedMilliseconds: number | null;
  rows: Record<string, number>;
}

// Snapshots of what write scenarios change, taken right after seeding (before any write), so a reset can put
// names, stock, prices, balances and identity sequences back without re-seeding.
const SNAPSHOT = `
  CREATE TABLE IF NOT EXISTS dal_bench_products AS SELECT id, name, stock, price_cents, version, updated_at FROM products;
  CREATE TABLE IF NOT EXISTS dal_bench_accounts AS SELECT id, balance_cents, version FROM accounts;
  CREATE TABLE IF NOT EXISTS dal_bench_baseline AS SELECT
    (SELECT coalesce(max(id), 0) FROM orders)::int AS max_order_id,
    (SELECT coalesce(max(id), 0) FROM order_items)::int AS max_item_id,
    (SELECT coalesce(max(id), 0) FROM products)::int AS max_product_id,
    (SELECT coalesce(max(id), 0) FROM customers)::int AS max_customer_id`;

/**
 * The benchmark database of one scale (`dal_bench_<scale>`): seeded once, reused while its fingerprint
 * matches, and reset to the seeded state after every write, outside the timed part.
 */
export class BenchDatabase {
  private constructor(
    readonly url: string,
    readonly name: string,
    readonly pool: pg.Pool,
    readonly baseline: Baseline,
    readonly dataset: DatasetInfo,
  ) {}

  /**
   * Opens (seeding when needed) the database of `scale`. `attach`: a scenario's process joining the run's
   * database, which the main process has seeded, reset and settled already.
   */
  static async open(
    adminUrl: string,
    scale: Scale,
    options: { attach?: boolean; onSeedProgress?: (progress: SeedProgress) => void } = {},
  ): Promise<BenchDatabase> {
    const name = `dal_bench_${scale}`;
    const url = withDatabase(adminUrl, name);
    const fingerprint = datasetFingerprint(scale, DEFAULT_SEED, schemaVersion());
    const reusable =
      (await databaseExists(adminUrl, name)) && (await readDatasetFingerprint(url)) === fingerprint;
    let seedMilliseconds: number | null = null;
    if (!reusable && options.attach) throw new Error(`${name} is not seeded with fingerprint ${fingerprint}`);
    if (!reusable) {
      await createSchemaDatabase(adminUrl, name);
      seedMilliseconds = (
        await seedDataset(url, { scale, seed: DEFAULT_SEED, onProgress: options.onSeedProgress })
      ).milliseconds;
    }
    const pool = new pg.Pool({ connectionString: url, max: 2, application_name: 'dal-bench-harness' });
    pool.on('error', () => {});
    try {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(SNAPSHOT);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
      const { rows } = await pool.query(
        'SELECT max_order_id, max_item_id, max_product_id, max_customer_id FROM dal_bench_baseline',
      );
      const r = rows[0];
      const baseline: Baseline = {
        maxOrderId: r.max_order_id,
        maxItemId: r.max_item_id,
        maxProductId: r.max_product_id,
        maxCustomerId: r.max_customer_id,
      };
      const db = new BenchDatabase(url, name, pool, baseline, {
        scale,
        seed: DEFAULT_SEED,
        fingerprint,
        seeded: !reusable,
        seedMilliseconds,
        rows: {},
      });
      if (options.attach) return db;
      // a run interrupted in the middle of a write scenario leaves its rows behind
      await db.reset();
      await db.settle();
      db.dataset.rows = await db.rowCounts();
      return db;
    } catch (error) {
      await pool.end().catch(() => {});
      throw error;
    }
  }

  get sizes() {
    return SCALES[this.dataset.scale];
  }

  /** Puts the database back to the seeded state: removes written rows, restores stock, prices, balances. */
  async reset(): Promise<void> {
    const b = this.baseline;
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('DELETE FROM transfers');
      await client.query('DELETE FROM order_items WHERE id > $1', [b.maxItemId]);
      await client.query('DELETE FROM orders WHERE id > $1', [b.maxOrderId]);
      await client.query('DELETE FROM products WHERE id > $1', [b.maxProductId]);
      await client.query('DELETE FROM customers WHERE id > $1', [b.maxCustomerId]);
      // the upsert scenario renames products too (their sku, the conflict target, stays)
      await client.query(`UPDATE products p SET name = s.name, stock = s.stock, price_cents = s.price_cents,
          version = s.version, updated_at = s.updated_at FROM dal_bench_products s
        WHERE p.id = s.id AND (p.name, p.stock, p.price_cents, p.version, p.updated_at)
          IS DISTINCT FROM (s.name, s.stock, s.price_cents, s.version, s.updated_at)`);
      await client.query(`UPDATE accounts a SET balance_cents = s.balance_cents, version = s.version
        FROM dal_bench_accounts s
        WHERE a.id = s.id AND (a.balance_cents, a.version) IS DISTINCT FROM (s.balance_cents, s.version)`);
      // identities restart where the seed left them, so every implementation's writes get the same ids
      for (const [table, max] of [
        ['orders', b.maxOrderId],
        ['order_items', b.maxItemId],
        ['transfers', 0],
        ['products', b.maxProductId],
        ['customers', b.maxCustomerId],
      ] as const) {
        await client.query(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), $1, false)`, [max + 1]);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  /**
   * VACUUM (ANALYZE) of the tables write scenarios change, outside any timing: the dead rows a reset leaves
   * would otherwise wake autovacuum in the middle of the next scenario, competing for the same two cores
   * (seen: order_items vacuumed while point-read was being timed). Then a CHECKPOINT, so the pages those
   * writes dirtied are flushed now and not by the checkpointer while a later scenario is timed.
   */
  async settle(): Promise<void> {
    await this.pool.query('VACUUM (ANALYZE) order_items, orders, transfers, products, customers, accounts');
    try {
      await this.pool.query('CHECKPOINT');
    } catch (error) {
      // a DATABASE_URL role without superuser or pg_checkpoint may not: the checkpointer then does it in time
      if ((error as { code?: string }).code !== '42501') throw error;
    }
  }

  /**
   * VACUUM of `tables` (no ANALYZE: the statistics do not change with rows that come and go), outside any
   * timing: a reset deletes what a write added, and VACUUM removes those dead rows and truncates the pages
   * they were appended to, so the next timed write meets the table as the one before it did.
   */
  async vacuum(tables: readonly string[]): Promise<void> {
    await this.pool.query(`VACUUM ${tables.join(', ')}`);
  }

  /** Autovacuum and autoanalyze runs on `tables` so far, as pg_stat_user_tables counts them. */
  async autovacuumRuns(tables: readonly string[]): Promise<number> {
    // (the cumulative statistics are cached per transaction at most: each query here is its own)
    const { rows } = await this.pool.query(
      `SELECT coalesce(sum(autovacuum_count + autoanalyze_count), 0)::int AS n FROM pg_stat_user_tables
        WHERE schemaname = current_schema() AND relname = ANY($1)`,
      [tables],
    );
    return rows[0].n;
  }

  async rowCounts(): Promise<Record<string, number>> {
    const { rows } = await this.pool.query(`SELECT
      (SELECT count(*) FROM customers)::int AS customers, (SELECT count(*) FROM products)::int AS products,
      (SELECT count(*) FROM orders)::int AS orders, (SELECT count(*) FROM order_items)::int AS order_items,
      (SELECT count(*) FROM accounts)::int AS accounts`);
    return rows[0];
  }

  /** Order items written since the seed, in id order (what a bulk insert stored). */
  async writtenItems(): Promise<Array<[number, number, number, number]>> {
    const { rows } = await this.pool.query(
      `SELECT order_id, product_id, quantity, unit_price_cents FROM order_items WHERE id > $1 ORDER BY id`,
      [this.baseline.maxItemId],
    );
    return rows.map((r) => [r.order_id, r.product_id, r.quantity, r.unit_price_cents]);
  }

  /** Sum and minimum of every balance, the number of transfers. */
  async ledger(): Promise<{ sum: number; min: number; transfers: number }> {
    const { rows } =
      await this.pool.query(`SELECT sum(balance_cents)::text AS sum, min(balance_cents)::text AS min,
      (SELECT count(*) FROM transfers)::int AS transfers FROM accounts`);
    return { sum: Number(rows[0].sum), min: Number(rows[0].min), transfers: rows[0].transfers };
  }

  /** The stock of each product in `ids`, in that order. */
  async stocks(ids: readonly number[]): Promise<number[]> {
    const { rows } = await this.pool.query('SELECT id, stock FROM products WHERE id = ANY($1)', [ids]);
    const byId = new Map<number, number>(rows.map((r) => [r.id, r.stock]));
    return ids.map((id) => byId.get(id) ?? Number.NaN);
  }

  /** Connections to this database other than the harness's own (the libraries' pools). */
  async libraryConnections(): Promise<number> {
    const { rows } = await this.pool.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND backend_type = 'client backend'
          AND application_name <> 'dal-bench-harness'`,
    );
    return rows[0].n;
  }

  /**
   * Transactions rolled back and deadlocks detected in this database so far, as the server counts them.
   * A backend reports its counters when it exits, so this first waits for the libraries' connections to close.
   */
  async transactionCounters(): Promise<{ rollbacks: number; deadlocks: number }> {
    // a closed pool's backends are gone within a few ms: poll often (a 100 ms step cost ~1 min per lost-update run)
    for (let i = 0; i < 500 && (await this.libraryConnections()) > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const { rows } = await this.pool.query(
      'SELECT xact_rollback::text AS rollbacks, deadlocks::text AS deadlocks FROM pg_stat_database WHERE datname = current_database()',
    );
    return { rollbacks: Number(rows[0].rollbacks), deadlocks: Number(rows[0].deadlocks) };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
