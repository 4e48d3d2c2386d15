import type { ValueTransformer } from 'typeorm';

/**
 * node-postgres returns int8 as a string to stay exact; the contract wants numbers, and every amount it
 * accepts is a safe integer.
 */
export const bigintAsNumber: ValueTransformer = {
  to: (value: number | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};
