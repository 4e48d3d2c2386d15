import { createHash } from 'node:crypto';
import type { PrismaPg } from '@prisma/adapter-pg';

type NameGenerator = NonNullable<
  NonNullable<ConstructorParameters<typeof PrismaPg>[1]>['statementNameGenerator']
>;

/**
 * The adapter's `statementNameGenerator`: every SQL text Prisma's query compiler produces gets a stable
 * name, so node-postgres prepares it once per connection. The adapter keeps no cache of its own and never
 * deallocates, so each distinct text (a `createMany` chunk of another size, an `IN` list of another
 * length) stays prepared on its connection until the connection closes.
 */
export const statementName: NameGenerator = (query) =>
  // a statement name is at most 63 bytes (NAMEDATALEN); 128 bits of the text's hash keep them apart
  `prisma_${createHash('sha256').update(query.sql).digest('base64url').slice(0, 22)}`;
