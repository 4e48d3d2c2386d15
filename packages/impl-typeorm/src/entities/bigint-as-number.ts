import { exactCents } from '@dal/core';
import type { ValueTransformer } from 'typeorm';

/**
 * node-postgres returns int8 as a string to stay exact; the contract wants numbers, and refuses
 * (ValidationError) a value beyond Number.MAX_SAFE_INTEGER rather than rounding it.
 */
export const bigintAsNumber: ValueTransformer = {
  to: (value: number | undefined) => value,
  from: (value: string | null) => (value === null ? null : exactCents(value)),
};
