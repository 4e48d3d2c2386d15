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
    how: `pgbench -n -f <script> -M extended|prepared -c <pool size> -j 2 -t <transactions per client> -D products=<n> --random-seed=<per round> -l, on the benchmark database through the libraries' route; one run per pool size, mode and round, interleaved with the libraries; transactions per client sized from the previous round so a run lasts about a round; ops/s and latency samples from its transaction log, over the window in which every client had run its first ${WARMUP_TRANSACTIONS} transactions (left out: a new backend's first statements are cold) and none had finished`,
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

/**
 * Each pgbench client's first transactions, left out of its figures: a new backend's first statements load
 * the catalog caches and (-M prepared) prepare, 3–5 ms where a warm one takes 0.05–0.1 ms. With the few
 * transactions per client a round allows, pgbench's own tps (which leaves out only the connection time) was
 * dominated by them: 8 clients × 12 transactions read as a seventh of the warm rate.
 */
export const WARMUP_TRANSACTIONS = 10;

class TooShort extends Error {}

/**
 * The steady part of one pgbench run, from its transaction log (`client transaction latency_us script
 * epoch_s epoch_us ...`, one line per transaction, stamped at its end): the window from the moment the last
 * client finished its warm-up transactions to the moment the first client finished all of them, so every
 * client is warm and busy throughout; ops/s is the transactions that ended in that window over its length,
 * the latency samples are theirs.
 */
export function steadyState(lines: readonly string[], warmup: number): Phase {
  const byClient = new Map<string, Array<{ end: number; latencyMs: number }>>();
  for (const line of lines) {
    const [client, , latency, , seconds, micros] = line.trim().split(/\s+/);
    const end = Number(seconds) * 1e6 + Number(micros);
    if (!line.trim() || !Number.isFinite(end) || !Number.isFinite(Number(latency))) continue;
    (byClient.get(client!) ?? byClient.set(client!, []).get(client!))!.push({
      end,
      latencyMs: Number(latency) / 1000,
    });
  }
  const clients = [...byClient.values()].map((t) => t.sort((a, b) => a.end - b.end));
  if (clients.length === 0 || clients.some((t) => t.length <= warmup))
    throw new Error(`pgbench's transaction log has no transactions past each client's first ${warmup}`);
  const from = Math.max(...clients.map((t) => t[warmup - 1]!.end));
  const to = Math.min(...clients.map((t) => t[t.length - 1]!.end));
  const inside = clients.flat().filter((t) => t.end > from && t.end <= to);
  if (to <= from || inside.length === 0)
    throw new TooShort('pgbench ran too briefly for a window in which every client was warm and busy');
  return {
    samples: inside.map((t) => t.latencyMs),
    wallMs: (to - from) / 1000,
    completed: inside.length,
    total: clients.reduce((n, t) => n + t.length, 0),
  };
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
  let perClient = 10 * WARMUP_TRANSACTIONS;
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
      const { failed } = parsePgbench(stdout);
      if (failed > 0) throw new Error(`pgbench: ${failed} failed transactions`);
      const lines = readdirSync(dir)
        .filter((f) => f.startsWith('log'))
        .flatMap((file) => readFileSync(join(dir, file), 'utf8').split('\n'));
      return steadyState(lines, WARMUP_TRANSACTIONS);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  return {
    /** One round: sized from the last round's rate so it lasts about `timeMs`. */
    async phase(round: number, timeMs: number): Promise<Phase> {
      let phase: Phase | undefined;
      // a run too short for every client to be warm and busy at once (one thread's clients can finish before
      // the other's have connected) is run again, longer
      for (let attempt = 0; !phase; attempt++) {
        try {
          phase = await once(round, perClient);
        } catch (error) {
          if (!(error instanceof TooShort) || attempt === 3) throw error;
          perClient *= 4;
        }
      }
      const rate = phase.completed / (phase.wallMs / 1000);
      perClient =
        WARMUP_TRANSACTIONS +
        Math.max(WARMUP_TRANSACTIONS, Math.round((rate * timeMs) / 1000 / options.clients));
      return phase;
    },
  };
}
