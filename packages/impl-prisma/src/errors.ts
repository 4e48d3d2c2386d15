import { constraintError, isRetryable as isRetryablePgError, type PgErrorInfo } from '@dal/core';
import { Prisma } from '../generated/prisma/client';

interface DriverAdapterCause {
  originalCode?: string;
  constraint?: { index?: string };
}

/**
 * The PostgreSQL error inside a Prisma error. With a driver adapter Prisma keeps only the SQLSTATE and the
 * constraint name, in `meta.driverAdapterError.cause` (P2002, P2003, P2010, P2034...), where @dal/core's
 * pgErrorOf does not look; the pg error's `detail` (and so the offending key) is dropped by the adapter.
 */
function pgErrorIn(error: unknown): (PgErrorInfo & { severity: string; cause: unknown }) | undefined {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return undefined;
  const adapterError = error.meta?.driverAdapterError as { cause?: DriverAdapterCause } | undefined;
  const code = adapterError?.cause?.originalCode;
  if (!code) return undefined;
  return { code, constraint: adapterError.cause?.constraint?.index, severity: 'ERROR', cause: error };
}

/** The contract error for a schema constraint violation wrapped by Prisma, or the error itself. */
export function translate(error: unknown): unknown {
  return constraintError(pgErrorIn(error) ?? error) ?? error;
}

/** Serialization failure (P2034) or deadlock: the whole transaction may be retried. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2034') return true;
  return isRetryablePgError(pgErrorIn(error) ?? error);
}
