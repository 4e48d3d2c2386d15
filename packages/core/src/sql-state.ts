/** What every PostgreSQL error carries, whichever library wrapped it. */
export interface PgErrorInfo {
  /** SQLSTATE, e.g. 23505 unique_violation, 23503 foreign_key_violation, 23514 check_violation. */
  code: string;
  constraint?: string | undefined;
  detail?: string | undefined;
}

export const SQLSTATE = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  checkViolation: '23514',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
  /** lock_timeout expired. */
  lockNotAvailable: '55P03',
  /** statement_timeout expired, or pg_cancel_backend. */
  queryCanceled: '57014',
  /** pg_terminate_backend, or a server shutdown. */
  adminShutdown: '57P01',
  crashShutdown: '57P02',
  cannotConnectNow: '57P03',
  idleInTransactionTimeout: '25P03',
  idleSessionTimeout: '57P05',
} as const;

/**
 * SQLSTATEs that say the database is unavailable or timed out, not that the request was wrong: class 08
 * (connection exception), class 53 (insufficient resources: too many connections, out of memory or disk),
 * the 57P0x shutdowns and cancellations, lock and idle timeouts, and serialization failures or deadlocks
 * that are still there after retryTransaction's bounded retries.
 */
export function isUnavailableSqlState(code: string): boolean {
  return (
    code.startsWith('08') ||
    code.startsWith('53') ||
    code === SQLSTATE.serializationFailure ||
    code === SQLSTATE.deadlockDetected ||
    code === SQLSTATE.lockNotAvailable ||
    code === SQLSTATE.queryCanceled ||
    code === SQLSTATE.adminShutdown ||
    code === SQLSTATE.crashShutdown ||
    code === SQLSTATE.cannotConnectNow ||
    code === SQLSTATE.idleInTransactionTimeout ||
    code === SQLSTATE.idleSessionTimeout
  );
}

/**
 * SQLSTATE class 22, data exception: a value the database cannot store or read (22021 character not in
 * repertoire, e.g. U+0000 in text; 22003 numeric value out of range; 22P02 invalid text representation;
 * 22001 string too long). The caller's input is wrong, not the database: VALIDATION.
 */
export function isDataExceptionSqlState(code: string): boolean {
  return code.startsWith('22');
}

/**
 * Finds the PostgreSQL error inside whatever a library threw: node-postgres' DatabaseError itself, or a
 * wrapper that keeps it as `cause` (Drizzle, Knex), `driverError` (TypeORM), or `originalError`. Prisma with
 * a driver adapter keeps only the SQLSTATE and the constraint name, in `meta.driverAdapterError.cause`
 * (`originalCode`, `constraint.index`; not a documented field, so translateError also reads Prisma's
 * stable P-codes).
 */
export function pgErrorOf(error: unknown): PgErrorInfo | undefined {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const e = current as Record<string, unknown>;
    if (
      typeof e.code === 'string' &&
      /^[0-9A-Z]{5}$/.test(e.code) &&
      ('severity' in e || 'constraint' in e || 'routine' in e)
    ) {
      return {
        code: e.code,
        constraint: typeof e.constraint === 'string' ? e.constraint : undefined,
        detail: typeof e.detail === 'string' ? e.detail : undefined,
      };
    }
    const adapter = prismaAdapterCause(e);
    if (adapter) return adapter;
    current = e.cause ?? e.driverError ?? e.originalError;
  }
  return undefined;
}

/**
 * True for the errors after which a transaction may simply be retried (serialization failure, deadlock;
 * Prisma's P2034).
 */
export function isRetryable(error: unknown): boolean {
  // Prisma's stable code for "write conflict or deadlock", whatever it keeps of the SQLSTATE
  if ((error as { code?: unknown } | null)?.code === 'P2034') return true;
  const code = pgErrorOf(error)?.code;
  return code === SQLSTATE.serializationFailure || code === SQLSTATE.deadlockDetected;
}

/**
 * Runs one whole transaction (`attempt`) again after a serialization failure or deadlock, at most
 * `attempts` times in all; any other error, or the last one, is thrown. `retryable` lets a library whose
 * errors hide the SQLSTATE (Prisma's P2034) say what counts.
 */
export async function retryTransaction<T>(
  attempt: () => Promise<T>,
  options: { attempts?: number; retryable?: (error: unknown) => boolean } = {},
): Promise<T> {
  const { attempts = 5, retryable = isRetryable } = options;
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (n < attempts && retryable(error)) continue;
      throw error;
    }
  }
}

function prismaAdapterCause(e: Record<string, unknown>): PgErrorInfo | undefined {
  const meta = e.meta as { driverAdapterError?: { cause?: Record<string, unknown> } } | undefined;
  const cause = meta?.driverAdapterError?.cause;
  if (!cause || typeof cause.originalCode !== 'string') return undefined;
  const constraint = cause.constraint as { index?: unknown } | undefined;
  return {
    code: cause.originalCode,
    constraint: typeof constraint?.index === 'string' ? constraint.index : undefined,
    detail: undefined,
  };
}
