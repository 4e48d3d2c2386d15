import { ValidationError } from './errors';

/**
 * A money amount read from a bigint column (node-postgres and most libraries hand int8 over as a string, to
 * stay exact) as the contract's number, checked: above 2^53 a number can no longer hold every cent, so
 * anything that is not a safe integer is refused with ValidationError instead of being rounded silently.
 */
export function exactCents(value: string | number | bigint, what = 'amount'): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) {
    throw new ValidationError(
      `${what} ${String(value)} is not a safe integer number of cents (at most ${Number.MAX_SAFE_INTEGER})`,
    );
  }
  return n;
}

/**
 * Refuses a credit that would take a balance past Number.MAX_SAFE_INTEGER cents (ValidationError), so every
 * stored balance stays exactly readable. Call it with the locked balance before writing.
 */
export function checkCredit(accountId: number, balanceCents: number, amountCents: number): void {
  if (!Number.isSafeInteger(balanceCents + amountCents)) {
    throw new ValidationError(
      `account ${accountId}: a balance of ${balanceCents} + ${amountCents} cents exceeds ${Number.MAX_SAFE_INTEGER}`,
    );
  }
}
