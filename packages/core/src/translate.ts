import { ConflictError, type DalError, NotFoundError } from './errors';
import { pgErrorOf, SQLSTATE } from './sql-state';

const FOREIGN_KEYS: Record<string, string> = {
  orders_customer_id_fkey: 'customer',
  order_items_order_id_fkey: 'order',
  order_items_product_id_fkey: 'product',
  accounts_customer_id_fkey: 'customer',
  transfers_from_account_id_fkey: 'account',
  transfers_to_account_id_fkey: 'account',
};

/**
 * The contract error for a constraint violation of the canonical schema (found inside any library's
 * wrapper), or undefined when the error is not one the contract names. Constraint names come from schema/.
 */
export function constraintError(error: unknown): DalError | undefined {
  const pg = pgErrorOf(error);
  if (!pg) return undefined;
  if (pg.code === SQLSTATE.uniqueViolation && pg.constraint === 'customers_email_live_key') {
    return new ConflictError('a live customer already has this email', { cause: error });
  }
  if (pg.code === SQLSTATE.foreignKeyViolation && pg.constraint && FOREIGN_KEYS[pg.constraint]) {
    const id = /\)=\((\d+)\)/.exec(pg.detail ?? '')?.[1];
    return new NotFoundError(FOREIGN_KEYS[pg.constraint]!, id ? Number(id) : '?', { cause: error });
  }
  return undefined;
}
