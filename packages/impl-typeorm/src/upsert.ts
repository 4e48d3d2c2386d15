import { INSERT_CHUNK_ROWS, type ProductUpsert } from '@dal/core';
import type { EntityManager } from 'typeorm';

/** Rows per INSERT ... ON CONFLICT statement: 4 parameters a row stays below the 65,535 limit. */
export const UPSERT_CHUNK = INSERT_CHUNK_ROWS;

/** One INSERT ... ON CONFLICT (sku) DO UPDATE for up to UPSERT_CHUNK rows; returns the rows it wrote. */
export async function upsertChunk(em: EntityManager, rows: ProductUpsert[]): Promise<number> {
  // escape hatch: upsertProducts: orUpdate() renders only `column = EXCLUDED.column` (plus `= DEFAULT` for an
  // @UpdateDateColumn) and TypeORM 1.x has no raw onConflict(), so the version bump cannot be said through
  // the QueryBuilder; the whole statement is written here and runs through the transaction's QueryRunner
  // with bind parameters, rather than text appended to the SQL TypeORM generated
  const params: unknown[] = [];
  const values = rows.map(
    (r) =>
      `($${params.push(r.sku)}, $${params.push(r.name)}, $${params.push(r.priceCents)}, $${params.push(r.stock)})`,
  );
  // the structured result carries the row count (affected), which em.query() drops for an INSERT
  const result = await em.queryRunner!.query(
    `INSERT INTO products (sku, name, price_cents, stock) VALUES ${values.join(', ')}
     ON CONFLICT (sku) DO UPDATE SET name = excluded.name, price_cents = excluded.price_cents,
       stock = excluded.stock, version = products.version + 1, updated_at = now()`,
    params,
    true,
  );
  return result.affected ?? 0;
}
