import { chunks, type ProductUpsert } from '@dal/core';
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';

/**
 * One INSERT ... ON CONFLICT (sku) DO UPDATE per chunk of INSERT_CHUNK_ROWS (4 bind parameters a row), in
 * one transaction.
 */
export async function upsertProducts(
  sequelize: Sequelize,
  t: Transaction,
  rows: ProductUpsert[],
): Promise<number> {
  let affected = 0;
  for (const chunk of chunks(rows)) {
    const bind: unknown[] = [];
    const values = chunk.map(
      (r) =>
        `($${bind.push(r.sku)}, $${bind.push(r.name)}, $${bind.push(r.priceCents)}, $${bind.push(r.stock)})`,
    );
    // escape hatch: upsertProducts: bulkCreate({ updateOnDuplicate }) renders only `column = EXCLUDED.column`
    // and has no way to write version = products.version + 1, so the statement is written whole (patching the
    // SQL Sequelize generates would depend on its exact text)
    const [, count] = await sequelize.query(
      `INSERT INTO products (sku, name, price_cents, stock) VALUES ${values.join(', ')}
       ON CONFLICT (sku) DO UPDATE SET name = excluded.name, price_cents = excluded.price_cents,
         stock = excluded.stock, version = products.version + 1, updated_at = now()`,
      { bind, type: QueryTypes.INSERT, transaction: t },
    );
    affected += count;
  }
  return affected;
}
