import { Column, DeleteDateColumn, Entity, OneToMany, PrimaryGeneratedColumn } from 'typeorm';
import type { Order } from './order';

@Entity({ name: 'customers' })
export class Customer {
  @PrimaryGeneratedColumn('identity', {
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'customers_pkey',
  })
  id!: number;

  // unique among live customers whatever the letter case: customers_email_live_key on lower(email)
  // WHERE deleted_at IS NULL, an expression index a TypeORM @Index cannot describe (schema/ creates it)
  @Column({ type: 'text' })
  email!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  // @DeleteDateColumn: every find and QueryBuilder adds `deleted_at IS NULL`, also to joins, unless withDeleted
  @DeleteDateColumn({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;

  @OneToMany('Order', (order: Order) => order.customer)
  orders!: Order[];
}
