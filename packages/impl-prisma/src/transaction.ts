import { retryTransaction } from '@dal/core';
import type { Prisma, PrismaClient } from '../generated/prisma/client';

export type Tx = Prisma.TransactionClient;

/**
 * Interactive-transaction limits for the client. Prisma's defaults (maxWait 2 s to get a connection,
 * timeout 5 s) abort transactions that merely queue for the pool under load (200 concurrent transfers on a
 * pool of 8); lock waits in the database are what should bound a transaction, not a client-side timer.
 */
export const TRANSACTION_OPTIONS = { maxWait: 60_000, timeout: 60_000 } as const;

/**
 * Runs `fn` in an interactive transaction: every statement sent through `tx` uses the transaction's own
 * connection. Retries the whole transaction on serialization failure or deadlock (at most `attempts` times).
 */
export async function withTransaction<T>(
  prisma: PrismaClient,
  fn: (tx: Tx) => Promise<T>,
  attempts = 5,
): Promise<T> {
  return retryTransaction(() => prisma.$transaction(fn), { attempts });
}
