import { UsageError } from './implementations';

/** A positive integer from the environment, or `fallback` when unset. */
export function intFromEnv(name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new UsageError(`${name} must be an integer from 1 to ${max}, got '${raw}'`);
  }
  return value;
}
