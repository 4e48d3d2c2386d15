import { type ShopRepository, translateError, translatingErrors, UnavailableError } from '@dal/core';
import postgres from 'postgres';

/**
 * What postgres.js throws, as a plain Error with its own `code`, when the server cannot be reached or the
 * connection is lost (CONNECTION_ENDED, a call after close(), is a caller's bug and stays untranslated).
 */
const CONNECTION_CODES = new Set(['CONNECTION_CLOSED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT']);

/**
 * The contract error for whatever postgres.js threw (core's translateError, which reads node-postgres'
 * shapes), or the error unchanged when the contract names no such condition.
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

/**
 * core's translatingErrors with `translate` in place of translateError: the repository with every method's
 * rejection passed through it, so no postgres.js error leaves the package.
 */
export const translatingPostgresJsErrors = (repository: ShopRepository): ShopRepository =>
  translatingErrors(repository, translate);

/**
 * The FATAL error of a session the server terminated (57P01 pg_terminate_backend or shutdown, 57P02, 57P03).
 * postgres.js 3.4.9 rejects the statement in flight on such a session with CONNECTION_CLOSED, keeps the
 * server's FATAL error, and hands it to the first statement of the connection it opens next, which never
 * ran: so the statement that sees it is sent once more, on the new session. Any other FATAL error (a refused
 * login, too many connections) comes back the same the second time.
 */
export function isTerminatedSession(error: unknown): boolean {
  return error instanceof postgres.PostgresError && error.severity === 'FATAL';
}
