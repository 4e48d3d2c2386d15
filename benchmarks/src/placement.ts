import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { childrenOf } from './cpu';

/**
 * Where a single caller and its server run. With one caller, every call is a ping-pong between the harness
 * and one server backend, and how long a round trip takes depends on where the scheduler put the two: on one
 * core (no wake-up across cores, 1.75× the client's share in the ratio), on two (a wake-up per hop), or
 * moving between the two during a round. Measured here (2 vCPU, PostgreSQL 15, 30 interleaved rounds of
 * 120 ms of two tasks that differ by a JSON.parse, twice each): left to the scheduler, the per-round ratio's
 * 95% interval was ±15–18% wide; with the harness on core 0 and every server process on core 1, ±2–4%;
 * both on one core, ±0.5% but a different ratio (1.75 against 1.3). The rounds of a single-caller scenario
 * therefore run split: the harness's main thread on the first half of the cores it may use, the embedded
 * server's processes (the postmaster, every process it has, and every backend it forks later, which inherit
 * it) on the other half, so every round trip crosses between the same cores, as it would cross between two
 * machines.
 * Scenarios with concurrent callers are left to the scheduler: they need every core on both sides.
 */
export interface CoreSplit {
  /** taskset CPU lists. */
  harness: string;
  server: string;
}

/** The split, or why there is none (recorded in environment.json run.placement). */
export type Placement = { split: CoreSplit; reason?: undefined } | { split?: undefined; reason: string };

/** CPUs in a taskset/`Cpus_allowed_list` list such as "0-3,6". */
export function parseCpuList(list: string): number[] {
  const cpus: number[] = [];
  for (const part of list.trim().split(',')) {
    if (!part) continue;
    const [from, to] = part.split('-').map(Number);
    if (!Number.isInteger(from) || (to !== undefined && !Number.isInteger(to))) {
      throw new Error(`not a CPU list: ${list}`);
    }
    for (let c = from!; c <= (to ?? from!); c++) cpus.push(c);
  }
  return cpus;
}

/** The CPUs a thread of `pid` (by default its main thread) may run on, from /proc, or null where /proc does not say. */
export function allowedCpus(pid: number, tid = pid): number[] | null {
  try {
    const status = readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
    const line = status.split('\n').find((l) => l.startsWith('Cpus_allowed_list:'));
    return line ? parseCpuList(line.slice('Cpus_allowed_list:'.length)) : null;
  } catch {
    return null;
  }
}

/** Halves of the allowed CPUs: the first for the harness, the rest for the server; null below two. */
export function splitCpus(cpus: readonly number[]): CoreSplit | null {
  if (cpus.length < 2) return null;
  const half = Math.floor(cpus.length / 2);
  return { harness: cpus.slice(0, half).join(','), server: cpus.slice(half).join(',') };
}

/** Runs taskset (util-linux) with `args`; throws what it said, naming `what` was being placed. */
function taskset(args: string[], what: string, cpus: string): void {
  try {
    execFileSync('taskset', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`taskset could not place ${what} on CPU ${cpus}: ${stderr || String(error)}`);
  }
}

/** Restricts `pid` and all its threads to `cpus`. */
export function pin(pid: number, cpus: string): void {
  taskset(['--all-tasks', '--cpu-list', '--pid', cpus, String(pid)], `process ${pid}`, cpus);
}

/**
 * Whether the single-caller scenarios can run split here: Linux, taskset, at least two allowed CPUs, and a
 * server whose processes the harness started (an external server's are not its to move).
 */
export function placement({ serverPid, latency }: { serverPid: number | null; latency: boolean }): Placement {
  // the proxy is a third process in every round trip, calibrated with the scheduler free to place it
  if (latency) return { reason: 'not split with --latency: the latency proxy runs between the two' };
  if (serverPid === null)
    return { reason: "not split: an external server's processes are not the harness's to place" };
  const cpus = allowedCpus(process.pid);
  const split = cpus && splitCpus(cpus);
  if (!split) return { reason: `not split: ${cpus ? `${cpus.length} CPU` : 'no /proc'} to run on` };
  try {
    // a no-op that proves taskset is there and may be used
    pin(process.pid, cpus.join(','));
  } catch (error) {
    return { reason: `not split: ${(error as Error).message}` };
  }
  return { split };
}

/**
 * Places the server's processes on `split.server` (see harnessMainThread for the harness); the returned
 * function gives them every allowed CPU back.
 */
export function placeServer(serverPid: number, split: CoreSplit): () => void {
  const all = `${split.harness},${split.server}`;
  const place = (cpus: string) => {
    pin(serverPid, cpus);
    for (const pid of childrenOf(serverPid)) {
      try {
        pin(pid, cpus);
      } catch (error) {
        // a backend that exited between the listing and taskset has nothing left to place
        if (allowedCpus(pid) !== null) throw error;
      }
    }
  };
  place(split.server);
  return () => place(all);
}

/**
 * Places this process's main thread, the one that runs JavaScript and talks to the server, on `cpus`; V8's
 * and libuv's other threads keep every CPU. Why not the whole process: V8 collects garbage with helper threads,
 * and on one core they wait for the main thread. Measured here (point read, one run each): MikroORM, the
 * library that allocates most per call, 4.6–4.7× raw pg with nothing placed, 4.9–5.2× with the main thread
 * placed, 6.3× with the whole harness on one core; the other libraries moved within their intervals.
 */
export function harnessMainThread(cpus: string): void {
  // without --all-tasks: the thread whose id is the pid, i.e. the main thread
  taskset(['--cpu-list', '--pid', cpus, String(process.pid)], "the harness's main thread", cpus);
}
