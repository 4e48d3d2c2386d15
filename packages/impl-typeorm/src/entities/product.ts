import { Check, Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

// version and updated_at are plain columns, not @VersionColumn/@UpdateDateColumn: those make every
// QueryBuilder UPDATE bump them, stock decrements included, which the contract forbids
@Entity({ name: 'products' })
@Unique('products_sku_key', ['sku'])
@Check('products_price_cents_check', 'price_cents >= 0')
@Check('products_stock_check', 'stock >= 0')
export class Product {
  @PrimaryGeneratedColumn('identity', {
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'products_pkey',
  })
  id!: number;

  @Column({ type: 'text' })
  sku!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'price_cents', type: 'integer' })
  priceCents!: number;

  @Column({ type: 'integer' })
  stock!: number;

  @Column({ type: 'integer', default: 1 })
  version!: number;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
