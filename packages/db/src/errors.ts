import { redactUrl } from './url';

/** A setup problem the user can fix (bad URL, unreachable server): one clear line, no stack trace. */
export class DatabaseSetupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseSetupError';
  }
}

export function invalidUrl(url: string): DatabaseSetupError {
  return new DatabaseSetupError(
    `DATABASE_URL is not a valid postgres:// URL: ${redactUrl(url)} (expected postgres://user:password@host:port/database)`,
  );
}

export function unreachable(url: string, cause: unknown): DatabaseSetupError {
  const reason = cause instanceof Error ? cause.message || cause.name : String(cause);
  const redacted = redactUrl(url);
  // drivers sometimes echo the connection string; never print a password
  const safeReason = reason.split(url).join(redacted);
  return new DatabaseSetupError(`cannot connect to PostgreSQL at ${redacted}: ${safeReason}`, { cause });
}
