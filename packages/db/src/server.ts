import pg from 'pg';
import { startEmbedded } from './embedded';
import { DatabaseSetupError, invalidUrl, unreachable } from './errors';

export interface PostgresServer {
  /** URL of a database on this server that may be used to create and drop other databases. */
  adminUrl: string;
  kind: 'embedded' | 'external';
  /** `SHOW server_version`, e.g. "18.1". */
  version: string;
  stop(): Promise<void>;
}

/** Checks that `url` is a postgres URL and that the server answers; one clear error otherwise. */
export async function checkConnection(url: string): Promise<string> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidUrl(url);
  }
  if (!['postgres:', 'postgresql:'].includes(parsed.protocol) || !parsed.hostname) throw invalidUrl(url);
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => {});
  try {
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return rows[0]!.server_version;
  } catch (error) {
    throw unreachable(url, error);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * The PostgreSQL every command uses: DATABASE_URL when set, otherwise an embedded PostgreSQL 18 started
 * here (scratch or kept in `dataDir`). stop() is a no-op for an external server.
 */
export async function startServer(
  options: { databaseUrl?: string | undefined; dataDir?: string } = {},
): Promise<PostgresServer> {
  const databaseUrl = options.databaseUrl ?? process.env.DATABASE_URL;
  if (databaseUrl) {
    const version = await checkConnection(databaseUrl);
    return { adminUrl: databaseUrl, kind: 'external', version, stop: async () => {} };
  }
  const embedded = await startEmbedded(options.dataDir ? { dataDir: options.dataDir } : {});
  try {
    const version = await checkConnection(embedded.url);
    return { adminUrl: embedded.url, kind: 'embedded', version, stop: () => embedded.stop() };
  } catch (error) {
    await embedded.stop();
    throw error instanceof DatabaseSetupError ? error : new DatabaseSetupError(String(error));
  }
}
