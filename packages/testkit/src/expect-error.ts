import type { DalError } from '@dal/core';
import { expect } from 'vitest';

/** Awaits a call that must fail with a contract error of `type` (never a driver or ORM error). */
export async function expectDalError<T extends DalError>(
  promise: Promise<unknown>,
  // biome-ignore lint/suspicious/noExplicitAny: any constructor of a DalError subclass
  type: abstract new (...args: any[]) => T,
): Promise<T> {
  const error = await promise.then(
    (value) => {
      throw new Error(`expected ${type.name}, but the call returned ${JSON.stringify(value)}`);
    },
    (e: unknown) => e,
  );
  if (!(error instanceof type)) {
    throw new Error(
      `expected ${type.name}, got ${error instanceof Error ? `${error.name}: ${error.message}` : error}`,
      {
        cause: error,
      },
    );
  }
  expect((error as T).code).toMatch(/^[A-Z_]+$/);
  return error as T;
}
