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
} as const;

/**
 * Finds the PostgreSQL error inside whatever a library threw: node-postgres' DatabaseError itself, or a
 * wrapper that keeps it as `cause` (Drizzle, Knex), `driverError` (TypeORM), or `originalError`.
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
    current = e.cause ?? e.driverError ?? e.originalError;
  }
  return undefined;
}

/** True for the errors after which a transaction may simply be retried (serialization failure, deadlock). */
export function isRetryable(error: unknown): boolean {
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
