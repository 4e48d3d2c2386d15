import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ALL_BULK_METHODS, type BulkMethod, chunks, type NewOrderItem } from '@dal/core';
import { OID, type Pool, type TransactionSql } from './connection';

export const SUPPORTED_BULK_METHODS: readonly BulkMethod[] = ALL_BULK_METHODS;

/** The row fields in column order; the column transform writes them as order_id, product_id, ... */
const COLUMNS = ['orderId', 'productId', 'quantity', 'unitPriceCents'] as const;

/** Rows per chunk of COPY text written to the stream. */
const COPY_CHUNK = 5_000;

function* copyText(rows: readonly NewOrderItem[]): Generator<string> {
  for (const chunk of chunks(rows, COPY_CHUNK)) {
    yield chunk.map((r) => `${r.orderId}\t${r.productId}\t${r.quantity}\t${r.unitPriceCents}\n`).join('');
  }
}

type Inserter = (tx: TransactionSql, rows: NewOrderItem[]) => Promise<void>;

const methods: Record<BulkMethod, Inserter> = {
  async loop(tx, rows) {
    for (const row of rows) await tx`INSERT INTO order_items ${tx(row, ...COLUMNS)}`;
  },
  async batch(tx, rows) {
    // sql(rows, ...columns) expands to one VALUES list; chunks keep it below 65,535 parameters
    for (const chunk of chunks(rows)) await tx`INSERT INTO order_items ${tx(chunk, ...COLUMNS)}`;
  },
  async unnest(tx, rows) {
    // four int4[] parameters whatever the row count: one statement, one plan
    const column = (field: (typeof COLUMNS)[number]) =>
      tx.array(
        rows.map((r) => r[field]),
        OID.int4,
      );
    await tx`INSERT INTO order_items (order_id, product_id, quantity, unit_price_cents)
      SELECT * FROM unnest(${column('orderId')}, ${column('productId')}, ${column('quantity')}, ${column('unitPriceCents')})`;
  },
  async copy(tx, rows) {
    const copy = tx`COPY order_items (order_id, product_id, quantity, unit_price_cents) FROM STDIN`;
    // postgres.js 3.4.9 never settles the writable when the server rejects the COPY after the last row
    // (a foreign-key check fails at the end of the statement): the pipeline would wait forever, sql.begin
    // would never roll back, and the connection would stay idle in an aborted transaction
    // (porsager/postgres#1173). The error still reaches the query's reject, so it is taken from there.
    const failed = new Promise<never>((_, reject) => {
      const query = copy as unknown as { reject: (error: unknown) => void };
      const settle = query.reject;
      query.reject = (error) => {
        reject(error);
        settle(error);
      };
    });
    failed.catch(() => {}); // handled by the race below, or by writable() rejecting with the same error
    const stream = await copy.writable();
    await Promise.race([pipeline(Readable.from(copyText(rows)), stream), failed]);
  },
};

/** All or nothing: every method runs in one transaction, on the connection sql.begin reserved for it. */
export async function insertOrderItems(
  pool: Pool,
  rows: NewOrderItem[],
  method: BulkMethod,
): Promise<number> {
  await pool.transaction((tx) => methods[method](tx, rows));
  return rows.length;
}
