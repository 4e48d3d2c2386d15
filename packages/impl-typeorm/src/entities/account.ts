import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { bigintAsNumber } from './bigint-as-number';
import type { Customer } from './customer';

@Entity({ name: 'accounts' })
@Unique('accounts_customer_id_key', ['customerId'])
@Check('accounts_balance_cents_check', 'balance_cents >= 0')
export class Account {
  @PrimaryGeneratedColumn('identity', {
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'accounts_pkey',
  })
  id!: number;

  @Column({ name: 'customer_id', type: 'integer' })
  customerId!: number;

  // one account per customer, but @OneToOne would add a second, TypeORM-named unique constraint on
  // customer_id next to the schema's accounts_customer_id_key
  @ManyToOne('Customer', { nullable: false })
  @JoinColumn({ name: 'customer_id', foreignKeyConstraintName: 'accounts_customer_id_fkey' })
  customer!: Customer;

  @Column({ name: 'balance_cents', type: 'bigint', transformer: bigintAsNumber })
  balanceCents!: number;

  @Column({ type: 'integer', default: 1 })
  version!: number;
}
