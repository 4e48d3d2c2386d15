import type { OrderStatus } from '@dal/core';
import { Check, Column, Entity, JoinColumn, ManyToOne, OneToMany, PrimaryGeneratedColumn } from 'typeorm';
import type { Customer } from './customer';
import type { OrderItem } from './order-item';

// the indexes (created_at DESC, id DESC) live in schema/: @Index cannot describe a descending key
@Entity({ name: 'orders' })
@Check('orders_status_check', `status IN ('pending', 'paid', 'shipped', 'cancelled')`)
export class Order {
  @PrimaryGeneratedColumn('identity', {
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'orders_pkey',
  })
  id!: number;

  @Column({ name: 'customer_id', type: 'integer' })
  customerId!: number;

  @ManyToOne('Customer', (customer: Customer) => customer.orders, { nullable: false })
  @JoinColumn({ name: 'customer_id', foreignKeyConstraintName: 'orders_customer_id_fkey' })
  customer!: Customer;

  @Column({ type: 'text' })
  status!: OrderStatus;

  @Column({ name: 'total_cents', type: 'integer' })
  totalCents!: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @OneToMany('OrderItem', (item: OrderItem) => item.order)
  items!: OrderItem[];
}
