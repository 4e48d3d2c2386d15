import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { recreateDatabase } from '@dal/db';
import { messageOf } from './errors';
import type { ScenarioId } from './scenarios/ids';

const run = promisify(execFile);

/** pgbench's database: `pgbench -i -s 10` (1M rows in pgbench_accounts), kept beside the benchmark's own. */
export const PGBENCH_DATABASE = 'dal_pgbench';
const PGBENCH_SCALE = 10;
const CLIENTS = 8;
const THREADS = 2;

/** The scenarios pgbench is compared with, in order of preference: it runs right after the first one run. */
export const BASELINE_SCENARIOS: readonly ScenarioId[] = ['pooling', 'point-read'];

export interface PgbenchRun {
  /** pgbench's query mode: `simple` (its default) or `prepared` (named statements). */
  mode: 'simple' | 'prepared';
  command: string;
  tps: number;
  latencyMs: number;
}

/**
 * What PostgreSQL's own load generator reaches on the same server, through the same route as the libraries
 * (the latency proxy included), with its select-only script: one row by primary key, like getProduct. A C
 * client with no driver or pool in between, so it is the ceiling the point reads are compared with.
 */
export type PgbenchBaseline =
  | {
      version: string;
      database: string;
      scale: number;
      clients: number;
      threads: number;
      /** The scenario it ran straight after (the one it is compared with). */
      ranAfter: ScenarioId;
      runs: PgbenchRun[];
    }
  | { skipped: string };

async function pgbenchVersion(): Promise<string | null> {
  try {
    const { stdout } = await run('pgbench', ['--version']);
    return stdout.trim();
  } catch {
    return null;
  }
}

/** pgbench's connection flags for `url` (the password goes through PGPASSWORD, never the command line). */
function connection(url: string): { args: string[]; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  const args = ['-h', u.hostname.replace(/^\[|\]$/g, ''), '-p', u.port || '5432'];
  if (u.username) args.push('-U', decodeURIComponent(u.username));
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
  return { args, env };
}

/**
 * Runs `pgbench -S -c 8 -j 2` for `seconds` in simple and prepared mode against `routeUrl` (host and port
 * the libraries use). Skipped with the reason when pgbench is not installed.
 */
export async function pgbenchBaseline(
  adminUrl: string,
  routeUrl: string,
  seconds: number,
  ranAfter: ScenarioId,
  signal: AbortSignal,
): Promise<PgbenchBaseline> {
  const version = await pgbenchVersion();
  if (!version)
    return { skipped: 'pgbench is not on PATH (Debian/Ubuntu: postgresql-contrib or postgresql-client)' };
  const { args, env } = connection(routeUrl);
  try {
    // initialised on every run (about a second at scale 10), directly: an interrupted earlier one leaves nothing
    await recreateDatabase(adminUrl, PGBENCH_DATABASE);
    const direct = connection(adminUrl);
    await run('pgbench', [...direct.args, '-i', '-q', '-s', String(PGBENCH_SCALE), PGBENCH_DATABASE], {
      env: direct.env,
      signal,
    });
    const runs: PgbenchRun[] = [];
    for (const mode of ['simple', 'prepared'] as const) {
      const flags = ['-S', '-c', String(CLIENTS), '-j', String(THREADS), '-T', String(seconds), '-M', mode];
      const { stdout } = await run('pgbench', [...args, ...flags, PGBENCH_DATABASE], { env, signal });
      const tps = Number(/tps = ([\d.]+)/.exec(stdout)?.[1]);
      const latencyMs = Number(/latency average = ([\d.]+) ms/.exec(stdout)?.[1]);
      if (!Number.isFinite(tps))
        throw new Error(`no tps in pgbench's output: ${stdout.trim().split('\n').pop()}`);
      runs.push({ mode, command: `pgbench ${flags.join(' ')}`, tps, latencyMs });
    }
    return {
      version,
      database: PGBENCH_DATABASE,
      scale: PGBENCH_SCALE,
      clients: CLIENTS,
      threads: THREADS,
      ranAfter,
      runs,
    };
  } catch (error) {
    if (signal.aborted) throw error;
    // the baseline is context, not a result: a pgbench that cannot run is reported, the run goes on
    return { skipped: `pgbench failed: ${messageOf(error).split('\n')[0]}` };
  }
}
