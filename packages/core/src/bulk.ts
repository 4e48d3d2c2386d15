import { encodeCursor, type KeysetPosition } from './cursor';
import type { Order } from './domain';
import { BULK_METHODS, type BulkMethod } from './inputs';
import type { KeysetPage } from './repository';

/** Every bulk method of the contract; an implementation that offers them all declares this list in meta. */
export const ALL_BULK_METHODS: readonly BulkMethod[] = BULK_METHODS;

/**
 * Rows per multi-row INSERT (batch inserts and upserts): 4 bind parameters a row, so 10,000 rows are 40,000
 * parameters, below PostgreSQL's limit of 65,535 per statement. The same for every library, so the bulk
 * benchmark compares the same statements.
 */
export const INSERT_CHUNK_ROWS = 10_000;

/** `rows` cut into chunks of INSERT_CHUNK_ROWS (or `size`). */
export function chunks<T>(rows: readonly T[], size = INSERT_CHUNK_ROWS): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < rows.length; start += size) result.push(rows.slice(start, start + size));
  return result;
}

/**
 * The tail of every listOrdersKeyset: the query asked for `pageSize + 1` rows (one more than the page tells
 * whether a next page exists, without an extra round trip); this keeps the page and encodes the cursor of
 * its last row from `position` (the row's exact created_at text and id), or null on the last page.
 */
export function keysetPage<R>(
  rows: readonly R[],
  pageSize: number,
  toOrder: (row: R) => Order,
  position: (row: R) => KeysetPosition,
): KeysetPage<Order> {
  const page = rows.slice(0, pageSize);
  const last = page[page.length - 1];
  return {
    items: page.map(toOrder),
    nextCursor: rows.length > pageSize && last !== undefined ? encodeCursor(position(last)) : null,
  };
}
