/** A problem the user can fix (bad flag, unknown name): printed as one line, exit code 1, no stack trace. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** An implementation failed, or returned other data than raw pg: the run stops. */
export class BenchmarkError extends Error {
  override name = 'BenchmarkError';
}

/** Masks the password of every postgres:// URL in `text`. */
export function redactSecrets(text: string): string {
  // the hint of a malformed DATABASE_URL shows the URL's form; its placeholder password is not a secret
  return text
    .split(URL_EXAMPLE)
    .map((part) => part.replace(/(postgres(?:ql)?:\/\/[^:/@\s]+):[^@\s]*@/g, '$1:***@'))
    .join(URL_EXAMPLE);
}

/** The form of a connection URL, as @dal/db's DatabaseSetupError shows it. */
const URL_EXAMPLE = 'postgres://user:password@host:port/database';

export function messageOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return messageOf(error.errors[0]);
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
