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
  return text.replace(/(postgres(?:ql)?:\/\/[^:/@\s]+):[^@\s]*@/g, '$1:***@');
}

export function messageOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return messageOf(error.errors[0]);
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
