import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { Account } from './account';
import { bigintAsNumber } from './bigint-as-number';

@Entity({ name: 'transfers' })
@Unique('transfers_idempotency_key_key', ['idempotencyKey'])
@Check('transfers_amount_cents_check', 'amount_cents > 0')
export class Transfer {
  @PrimaryGeneratedColumn('identity', {
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'transfers_pkey',
  })
  id!: number;

  @Column({ name: 'from_account_id', type: 'integer' })
  fromAccountId!: number;

  @ManyToOne('Account', { nullable: false })
  @JoinColumn({ name: 'from_account_id', foreignKeyConstraintName: 'transfers_from_account_id_fkey' })
  fromAccount!: Account;

  @Column({ name: 'to_account_id', type: 'integer' })
  toAccountId!: number;

  @ManyToOne('Account', { nullable: false })
  @JoinColumn({ name: 'to_account_id', foreignKeyConstraintName: 'transfers_to_account_id_fkey' })
  toAccount!: Account;

  @Column({ name: 'amount_cents', type: 'bigint', transformer: bigintAsNumber })
  amountCents!: number;

  @Column({ name: 'idempotency_key', type: 'text' })
  idempotencyKey!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
