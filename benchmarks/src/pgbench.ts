import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Phase } from './measure';

const run = promisify(execFile);

/** Where pgbench is looked for: PATH first, then Debian's versioned directories. */
const CANDIDATES = ['pgbench', '/usr/lib/postgresql/18/bin/pgbench', '/usr/lib/postgresql/15/bin/pgbench'];

/** The implementation id pgbench's rows carry in the pooling table. */
export const PGBENCH_ID = 'pgbench';

/**
 * getProduct's exact statement (impl-pg's text; pgbench turns `:id` into `$1` in extended and prepared
 * mode), with a uniformly random id among the products, as the libraries' tasks draw them.
 */
export const PGBENCH_SCRIPT = `\\set id random(1, :products)
SELECT id, sku, name, price_cents, stock, version, updated_at FROM products WHERE id = :id;
`;

/** node-postgres' unnamed statements are pgbench's `extended` protocol; named ones are its `prepared`. */
export const PGBENCH_MODES = { unnamed: 'extended', prepared: 'prepared' } as const;

/** What environment.json says about the baseline. */
export type PgbenchInfo =
  | { version: string; path: string; script: string; how: string }
  | { skipped: string };

/** pgbench's path and version, or null when it is not installed. */
export function findPgbench(): { path: string; version: string } | null {
  for (const path of CANDIDATES) {
    if (path.includes('/') && !existsSync(path)) continue;
    try {
      const version = execFileSync(path, ['--version'], { encoding: 'utf8' }).trim();
      return { path, version };
    } catch {}
  }
  return null;
}

export function pgbenchInfo(): PgbenchInfo {
  const found = findPgbench();
  if (!found)
    return {
      skipped: 'pgbench is not installed (Debian/Ubuntu: postgresql-client or postgresql-contrib)',
    };
  return {
    ...found,
    script: PGBENCH_SCRIPT,
    how: "pgbench -n -f <script> -M extended|prepared -c <pool size> -j 2 -t <transactions per client> -D products=<n> --random-seed=<per round> -l, on the benchmark database through the libraries' route; one run per pool size, mode and round, interleaved with the libraries; transactions per client sized from the previous round so a run lasts about a round; ops/s = pgbench's tps without connection time; latency samples from its transaction log",
  };
}

/** pgbench's connection flags for `url` (the password goes through PGPASSWORD, never the command line). */
function connection(url: string): { args: string[]; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  const args = ['-h', u.hostname.replace(/^\[|\]$/g, ''), '-p', u.port || '5432'];
  if (u.username) args.push('-U', decodeURIComponent(u.username));
  args.push(decodeURIComponent(u.pathname.slice(1)));
  const env: NodeJS.ProcessEnv = { ...process.env, PGAPPNAME: 'dal-bench-pgbench' };
  if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
  return { args, env };
}

/** The numbers of one pgbench run's output. */
export function parsePgbench(stdout: string): { tps: number; processed: number; failed: number } {
  const tps = Number(/tps = ([\d.]+)/.exec(stdout)?.[1]);
  const processed = Number(/number of transactions actually processed: (\d+)/.exec(stdout)?.[1]);
  const failed = Number(/number of failed transactions: (\d+)/.exec(stdout)?.[1] ?? 0);
  if (!Number.isFinite(tps) || !Number.isFinite(processed))
    throw new Error(`no tps in pgbench's output: ${stdout.trim().split('\n').pop()}`);
  return { tps, processed, failed };
}

/**
 * A pooling task that runs pgbench instead of a library: `clients` connections, getProduct's statement, for
 * about `timeMs` per round. Rounds are a phase each (no tinybench), so its rows carry an interval and a
 * per-round ratio to raw pg like the libraries'.
 */
export function pgbenchTask(options: {
  path: string;
  url: string;
  clients: number;
  mode: 'extended' | 'prepared';
  products: number;
}) {
  const { args, env } = connection(options.url);
  let perClient = 20;
  const once = async (round: number, transactions: number): Promise<Phase> => {
    const dir = mkdtempSync(join(tmpdir(), 'dal-pgbench-'));
    try {
      const script = join(dir, 'get-product.sql');
      writeFileSync(script, PGBENCH_SCRIPT);
      const flags = [
        '-n',
        '-f',
        script,
        '-M',
        options.mode,
        '-c',
        String(options.clients),
        '-j',
        String(Math.min(2, options.clients)),
        '-t',
        String(transactions),
        '-D',
        `products=${options.products}`,
        `--random-seed=${0x9001 + round}`,
        '-l',
        `--log-prefix=${join(dir, 'log')}`,
      ];
      const { stdout } = await run(options.path, [...flags, ...args], { env, cwd: dir });
      const { tps, processed, failed } = parsePgbench(stdout);
      if (failed > 0) throw new Error(`pgbench: ${failed} failed transactions`);
      // the transaction log: client, transaction, latency (µs), script, epoch s, µs
      const samples: number[] = [];
      for (const file of readdirSync(dir).filter((f) => f.startsWith('log'))) {
        for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
          const latency = Number(line.split(' ')[2]);
          if (line && Number.isFinite(latency)) samples.push(latency / 1000);
        }
      }
      return { samples, wallMs: (processed / tps) * 1000, completed: processed, total: processed };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  return {
    /** One round: sized from the last round's rate so it lasts about `timeMs`. */
    async phase(round: number, timeMs: number): Promise<Phase> {
      const phase = await once(round, perClient);
      const rate = phase.completed / (phase.wallMs / 1000);
      perClient = Math.max(5, Math.round((rate * timeMs) / 1000 / options.clients));
      return phase;
    },
  };
}
