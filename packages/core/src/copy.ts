import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { NewOrderItem } from './inputs';

/** Rows per chunk of COPY text handed to the stream. */
const CHUNK = 5_000;

function* copyText(rows: readonly NewOrderItem[]): Generator<string> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    yield rows
      .slice(i, i + CHUNK)
      .map((r) => `${r.orderId}\t${r.productId}\t${r.quantity}\t${r.unitPriceCents}\n`)
      .join('');
  }
}

/**
 * COPY order_items FROM STDIN on `client` with pg-copy-streams (`@dal/core/copy`, a subpath so that only the
 * implementations offering `copy` load pg-copy-streams). No library has a COPY API, so every implementation
 * that offers `copy` reaches the pg client under its own transaction (that part differs per library) and
 * streams the rows through this one function; the statement commits or rolls back with it. The COPY text is
 * SQL no library generated: each caller marks its call `// escape hatch: insertOrderItems/copy: ...`.
 */
export async function copyOrderItems(client: pg.ClientBase, rows: readonly NewOrderItem[]): Promise<void> {
  await pipeline(
    Readable.from(copyText(rows)),
    client.query(copyFrom('COPY order_items (order_id, product_id, quantity, unit_price_cents) FROM STDIN')),
  );
}
