import { createServer } from 'node:net';
import { createSchemaDatabase, migrate, seedDataset, startServer } from '@dal/db';
import { buildApp } from './app';
import { intFromEnv } from './env';
import { loadImplementation } from './implementations';
import { closeOnSignals, fail, Resources } from './lifecycle';

const NAME = '@dal/api';
/** The database created, and seeded with the `test` dataset, on an embedded server. */
const EMBEDDED_DATABASE = 'dal_api';

/** The API's defaults for the repository's timeouts (env ACQUIRE_TIMEOUT_MS, STATEMENT_TIMEOUT_MS). */
const API_ACQUIRE_TIMEOUT_MS = 5_000;
const API_STATEMENT_TIMEOUT_MS = 5_000;

const resources = new Resources();
closeOnSignals(resources, NAME);

/**
 * Fails with EADDRINUSE (or EACCES) now if `port` cannot be listened on, so a busy port is reported before
 * PostgreSQL is started and seeded, not half a minute later. The port is released again at once.
 */
async function checkPortFree(port: number): Promise<void> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen({ host: '127.0.0.1', port, exclusive: true }, () => resolve());
  });
  await new Promise<void>((resolve) => probe.close(() => resolve()));
}

async function start(): Promise<void> {
  const implementation = process.env.IMPL || 'pg';
  const port = intFromEnv('PORT', 3000, 65_535);
  const poolSize = intFromEnv('POOL_SIZE', 10, 1_000);
  // an HTTP client should hear within seconds that the database cannot answer (503 + Retry-After), not wait
  // for the repository's defaults, which are sized for benchmark runs
  const acquireTimeoutMs = intFromEnv('ACQUIRE_TIMEOUT_MS', API_ACQUIRE_TIMEOUT_MS, 600_000);
  const statementTimeoutMs = intFromEnv('STATEMENT_TIMEOUT_MS', API_STATEMENT_TIMEOUT_MS, 600_000);
  const { meta, createRepository } = await loadImplementation(implementation);
  await checkPortFree(port);

  const server = await startServer();
  resources.add(() => server.stop());
  let url = server.adminUrl;
  if (server.kind === 'embedded') {
    url = await createSchemaDatabase(server.adminUrl, EMBEDDED_DATABASE);
    await seedDataset(url, { scale: 'test' });
  } else {
    // the user's database keeps its rows; only missing migrations of schema/ are applied (a no-op when current)
    await migrate(url);
  }
  const repository = await createRepository({
    connectionString: url,
    poolSize,
    acquireTimeoutMs,
    statementTimeoutMs,
  });
  resources.add(() => repository.close());
  const app = buildApp({
    repository,
    servedBy: meta.displayName,
    logger: { level: process.env.LOG_LEVEL || 'info' },
  });
  resources.add(() => app.close());
  await app.listen({ host: '127.0.0.1', port });
  console.error(
    `${NAME}: ${meta.displayName} (pool ${poolSize}, ${server.kind} PostgreSQL ${server.version})` +
      `, timeouts: acquire ${acquireTimeoutMs} ms, statement ${statementTimeoutMs} ms` +
      ` on http://127.0.0.1:${port}, docs at http://127.0.0.1:${port}/docs`,
  );
}

await start().catch((error) => fail(resources, NAME, error));
