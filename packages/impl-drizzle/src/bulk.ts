import { ALL_BULK_METHODS, type BulkMethod, INSERT_CHUNK_ROWS, type NewOrderItem } from '@dal/core';
import { copyOrderItems } from '@dal/core/copy';
import { sql } from 'drizzle-orm';
import type pg from 'pg';
import { type Db, onClient, type Tx } from './db';
import { orderItems } from './schema';
import { withTransaction } from './transaction';

export const SUPPORTED_BULK_METHODS = ALL_BULK_METHODS;

/**
 * Drizzle renders one bind parameter per value and does not chunk: 4 parameters a row, so a chunk of
 * INSERT_CHUNK_ROWS stays below PostgreSQL's 65,535 (more fail with "bind message has N parameter formats").
 */
export const BATCH_ROWS = INSERT_CHUNK_ROWS;

type Inserter = (tx: Tx, rows: NewOrderItem[]) => Promise<void>;

const inTransaction: Record<Exclude<BulkMethod, 'copy'>, Inserter> = {
  async loop(tx, rows) {
    for (const row of rows) await tx.insert(orderItems).values(row);
  },
  async batch(tx, rows) {
    for (let start = 0; start < rows.length; start += BATCH_ROWS) {
      await tx.insert(orderItems).values(rows.slice(start, start + BATCH_ROWS));
    }
  },
  async unnest(tx, rows) {
    // escape hatch: insertOrderItems/unnest: Drizzle has no unnest(), and insert().select() lists the identity column "id" too, which
    // a SELECT cannot fill with DEFAULT; so the whole statement is sql. sql.param keeps each array one
    // parameter (a bare array in sql`` expands to a list): one statement and one plan for any row count.
    const keys = ['orderId', 'productId', 'quantity', 'unitPriceCents'] as const;
    await tx.execute(
      sql`INSERT INTO ${orderItems} (${sql.join(
        keys.map((k) => sql.identifier(orderItems[k].name)),
        sql`, `,
      )}) SELECT * FROM unnest(${sql.join(
        keys.map((k) => sql`${sql.param(rows.map((r) => r[k]))}::int[]`),
        sql`, `,
      )})`,
    );
  },
};

/**
 * Drizzle's transaction's connection is private, so this checks a client out itself, runs Drizzle's
 * transaction on that client, and streams COPY FROM STDIN through the same client.
 */
async function copy(pool: pg.Pool, rows: NewOrderItem[]): Promise<void> {
  // escape hatch: insertOrderItems/copy: Drizzle has no COPY; COPY FROM STDIN through pg-copy-streams
  const client = await pool.connect();
  try {
    await onClient(client).transaction(async () => {
      await copyOrderItems(client, rows);
    });
  } finally {
    client.release();
  }
}

/** All or nothing: every method runs in one transaction. */
export async function insertOrderItems(
  db: Db,
  pool: pg.Pool,
  rows: NewOrderItem[],
  method: BulkMethod,
): Promise<number> {
  if (method === 'copy') await copy(pool, rows);
  else await withTransaction(db, (tx) => inTransaction[method](tx, rows));
  return rows.length;
}
