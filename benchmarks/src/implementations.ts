import type { ImplementationMeta, RepositoryFactory, RepositoryOptions, ShopRepository } from '@dal/core';
import { UsageError } from './errors';
import { REFERENCE_ID, type RegisteredImplementation } from './registry';

/** An implementation taking part in the run. */
export interface Implementation {
  id: string;
  meta: ImplementationMeta;
  createRepository: RepositoryFactory;
}

/** One line naming the implementation that could not be loaded. */
export class ImplementationLoadError extends UsageError {
  override name = 'ImplementationLoadError';
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.trim();
}

/** Imports the selected implementations, raw pg first; stops at the first one that fails to load. */
export async function loadImplementations(
  registry: readonly RegisteredImplementation[],
  ids: readonly string[],
): Promise<Implementation[]> {
  const selected = registry.filter((r) => ids.includes(r.id) || r.id === REFERENCE_ID);
  const loaded: Implementation[] = [];
  for (const entry of selected) {
    let module: Awaited<ReturnType<RegisteredImplementation['load']>>;
    try {
      module = await entry.load();
    } catch (error) {
      throw new ImplementationLoadError(`implementation "${entry.id}" failed to load: ${firstLine(error)}`);
    }
    if (!module?.meta || typeof module.createRepository !== 'function') {
      throw new ImplementationLoadError(
        `implementation "${entry.id}" failed to load: its package does not export meta and createRepository`,
      );
    }
    if (module.meta.id !== entry.id) {
      throw new ImplementationLoadError(
        `implementation "${entry.id}" failed to load: its meta.id is "${module.meta.id}"`,
      );
    }
    loaded.push({ id: entry.id, meta: module.meta, createRepository: module.createRepository });
  }
  return loaded;
}

/** Statement modes a scenario can run a task in: node-postgres' default, and named prepared statements. */
export const STATEMENT_MODES = ['unnamed', 'prepared'] as const;
export type StatementMode = (typeof STATEMENT_MODES)[number];

/** Whether an implementation offers `mode`: `prepared` only where its library has named prepared statements. */
export const offersStatementMode = (impl: Implementation, mode: StatementMode): boolean =>
  mode === 'unnamed' || Boolean(impl.meta.preparedStatements);

/** Opens a repository, naming the implementation if that fails. */
export async function openRepository(
  impl: Implementation,
  connectionString: string,
  poolSize: number,
  options: Pick<RepositoryOptions, 'preparedStatements'> = {},
): Promise<ShopRepository> {
  try {
    return await impl.createRepository({ connectionString, poolSize, ...options });
  } catch (error) {
    throw new ImplementationLoadError(
      `implementation "${impl.id}" could not open a repository: ${firstLine(error)}`,
    );
  }
}

/** Waves of warm-up calls at most, while the server shows fewer connections than the pool's size. */
const WARM_WAVES = 10;

/**
 * Opens a repository and opens its pool's connections before anything is timed or counted: waves of 8 ×
 * `poolSize` concurrent point reads (read-only) until `connections()` (the server's count of the libraries'
 * connections) reaches the pool's size, or after WARM_WAVES waves (Prisma answers them all on one connection).
 * A library that sends statements when a connection opens (Sequelize's SET client_min_messages and SET TIME
 * ZONE, postgres.js' type lookup) would otherwise send them inside the first timed calls, where they are not
 * the operation's, and connecting would be timed as part of the round.
 */
export async function openWarmRepository(
  impl: Implementation,
  connectionString: string,
  poolSize: number,
  options: Pick<RepositoryOptions, 'preparedStatements'> & { connections?: () => Promise<number> } = {},
): Promise<ShopRepository> {
  const { connections, ...repositoryOptions } = options;
  // other implementations' pools may be open (held across a case's rounds): count this one's only
  const before = connections ? await connections() : 0;
  const repo = await openRepository(impl, connectionString, poolSize, repositoryOptions);
  // more calls than connections; sequelize-pool opens one connection at a time, so one wave of fast reads can
  // end with fewer connections open than the pool may hold (seen: 1.5% more statements in a timed round)
  for (let wave = 0; wave < (connections ? WARM_WAVES : 1); wave++) {
    await Promise.all(Array.from({ length: 8 * poolSize }, () => repo.getProduct(1)));
    if (connections && (await connections()) - before >= poolSize) break;
  }
  return repo;
}

/**
 * Closes a repository and returns how many of the server's connections closed with it (`connections()` before
 * minus after, read until it settles: a backend leaves pg_stat_activity just after its client's socket closes).
 * Other implementations' pools may stay open meanwhile; this counts the closed pool's only.
 */
export async function closeCounting(
  repo: ShopRepository,
  connections: () => Promise<number>,
): Promise<number> {
  const open = await connections();
  await repo.close();
  let last = await connections();
  for (let i = 0; i < 50; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    const now = await connections();
    if (now === last && now < open) break;
    last = now;
  }
  return open - last;
}
