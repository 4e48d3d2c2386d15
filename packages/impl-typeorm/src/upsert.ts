import type { ProductUpsert } from '@dal/core';
import type { EntityManager } from 'typeorm';
import { Product } from './entities';

/** Rows per INSERT ... ON CONFLICT statement: 4 parameters a row stays below the 65,535 limit. */
export const UPSERT_CHUNK = 10_000;

const OVERWRITE = ['name', 'price_cents', 'stock'];
const BUMP = ', "version" = "products"."version" + 1, "updated_at" = now()';

/** One INSERT ... ON CONFLICT (sku) DO UPDATE for up to UPSERT_CHUNK rows; returns the rows it wrote. */
export async function upsertChunk(em: EntityManager, rows: ProductUpsert[]): Promise<number> {
  const [sql, params] = em
    .createQueryBuilder()
    .insert()
    .into(Product)
    .values(rows)
    .orUpdate(OVERWRITE, ['sku'])
    .updateEntity(false)
    .getQueryAndParameters();
  // escape hatch: upsertProducts: orUpdate() only renders `column = EXCLUDED.column`, and TypeORM 1.x removed the raw
  // onConflict() string, so the version bump is appended to the DO UPDATE SET list it generated
  if (!sql.endsWith('"stock" = EXCLUDED."stock"'))
    throw new Error(`unexpected upsert SQL: ${sql.slice(-120)}`);
  const result = await em.queryRunner!.query(sql + BUMP, params, true);
  return result.affected ?? 0;
}
