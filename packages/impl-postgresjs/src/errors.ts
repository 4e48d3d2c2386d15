import { translateError, UnavailableError } from '@dal/core';
import postgres from 'postgres';

/**
 * What postgres.js throws, as a plain Error with its own `code`, when the server cannot be reached or the
 * connection is lost (CONNECTION_ENDED, a call after close(), is a caller's bug and stays untranslated).
 */
const CONNECTION_CODES = new Set(['CONNECTION_CLOSED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT']);

/**
 * The contract error for whatever postgres.js threw (core's translateError), or the error unchanged when the
 * contract names no such condition.
 */
export function translate(error: unknown): unknown {
  if (error instanceof postgres.PostgresError) {
    // core reads node-postgres' field names; postgres.js names the violated constraint `constraint_name`
    const view = Object.assign(new Error(error.message, { cause: error }), {
      code: error.code,
      severity: error.severity,
      constraint: error.constraint_name,
      detail: error.detail,
    });
    const translated = translateError(view);
    return translated === view ? error : translated;
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) {
    const message = error instanceof Error ? error.message : String(error);
    return new UnavailableError(`the database is unavailable or timed out: ${message}`, { cause: error });
  }
  return translateError(error);
}

/** Runs one contract method and translates what it throws. */
export async function translated<T>(method: () => Promise<T>): Promise<T> {
  try {
    return await method();
  } catch (error) {
    throw translate(error);
  }
}
