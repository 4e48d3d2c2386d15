import { readdirSync, readFileSync } from 'node:fs';

/** Linux reports utime, stime and steal in clock ticks of 1/100 s (USER_HZ). */
const TICK_MS = 10;

const read = (path: string): string | null => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
};

/** Fields of /proc/<pid>/stat after the command name (field 3, the state, is index 0). */
function statFields(pid: number): string[] | null {
  const text = read(`/proc/${pid}/stat`);
  if (!text) return null;
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

/**
 * CPU time a process has used so far (ns), summed over its threads from /proc/<pid>/task/<tid>/schedstat
 * (nanoseconds, where /proc/<pid>/stat counts 10 ms ticks); null when the process is gone or /proc is absent.
 */
export function processCpuNs(pid: number): number | null {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return null;
  }
  let ns = 0;
  for (const tid of tasks) {
    const text = read(`/proc/${pid}/task/${tid}/schedstat`);
    if (text) ns += Number(text.split(' ')[0]);
  }
  return ns;
}

/**
 * Children of `pid`: from its threads' /proc children lists where the kernel has them (one read per thread),
 * else from every process's parent id in /proc (a scan of some 400 processes with pooling's held pools).
 */
export function childrenOf(pid: number): number[] {
  try {
    const out: number[] = [];
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      if (text) out.push(...text.split(' ').map(Number));
    }
    return out;
  } catch {
    // no children file (CONFIG_PROC_CHILDREN off): scan
  }
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(Number(entry));
    if (fields && Number(fields[1]) === pid) out.push(Number(entry));
  }
  return out;
}

/** What the server's processes have used so far: the postmaster, its live children, and the ones it reaped. */
export interface ServerCpu {
  /** ns per live process, postmaster included. */
  live: Map<number, number>;
  /** CPU of children the postmaster has reaped (cutime + cstime), in ms (tick resolution). */
  reapedMs: number;
}

export function serverCpu(postmasterPid: number): ServerCpu | null {
  const fields = statFields(postmasterPid);
  const own = processCpuNs(postmasterPid);
  if (!fields || own === null) return null;
  const live = new Map<number, number>([[postmasterPid, own]]);
  for (const child of childrenOf(postmasterPid)) {
    const ns = processCpuNs(child);
    if (ns !== null) live.set(child, ns);
  }
  // fields 16 and 17 (cutime, cstime) are at index 13 and 14 here
  return { live, reapedMs: (Number(fields[13]) + Number(fields[14])) * TICK_MS };
}

/**
 * Server CPU between two readings (ms): the live processes' own time since the first reading, plus what the
 * postmaster reaped meanwhile less what those reaped processes had used before the first reading.
 */
export function serverCpuMs(before: ServerCpu, after: ServerCpu): number {
  let ns = 0;
  for (const [pid, value] of after.live) ns += value - (before.live.get(pid) ?? 0);
  let reapedBefore = 0;
  for (const [pid, value] of before.live) if (!after.live.has(pid)) reapedBefore += value;
  return Math.max(0, ns / 1e6 + (after.reapedMs - before.reapedMs) - reapedBefore / 1e6);
}

/** Steal time of the whole machine so far (ms; /proc/stat's first line, 8th value), or null. */
export function stealMs(): number | null {
  const line = read('/proc/stat')?.split('\n')[0];
  if (!line?.startsWith('cpu ')) return null;
  const steal = Number(line.trim().split(/\s+/)[8]);
  return Number.isFinite(steal) ? steal * TICK_MS : null;
}

/** CPU time of one timed phase: this process, the server, the latency proxy, the machine's steal (ms). */
export interface RoundCpu {
  wallMs: number;
  harnessMs: number;
  /** null for an external server (its processes are not ours to read). */
  serverMs: number | null;
  /** null without --latency. */
  proxyMs: number | null;
  /** null where /proc/stat is not readable. */
  stealMs: number | null;
}

export interface CpuSources {
  /** The embedded server's postmaster, or null. */
  serverPid: number | null;
  /** The latency proxy's process, or null. */
  proxyPid: number | null;
}

/** Starts measuring a phase; the returned function ends it. */
export function cpuMeter(sources: CpuSources): () => RoundCpu {
  const started = performance.now();
  const harness = process.cpuUsage();
  const server = sources.serverPid === null ? null : serverCpu(sources.serverPid);
  const proxy = sources.proxyPid === null ? null : processCpuNs(sources.proxyPid);
  const steal = stealMs();
  return () => {
    const used = process.cpuUsage(harness);
    const serverAfter = sources.serverPid === null ? null : serverCpu(sources.serverPid);
    const proxyAfter = sources.proxyPid === null ? null : processCpuNs(sources.proxyPid);
    const stealAfter = stealMs();
    return {
      wallMs: performance.now() - started,
      harnessMs: (used.user + used.system) / 1000,
      serverMs: server && serverAfter ? serverCpuMs(server, serverAfter) : null,
      proxyMs: proxy !== null && proxyAfter !== null ? (proxyAfter - proxy) / 1e6 : null,
      stealMs: steal !== null && stealAfter !== null ? stealAfter - steal : null,
    };
  };
}

/** The median of each field over rounds, for the one-line summary per scenario. */
export function cpuSummary(rounds: readonly RoundCpu[]): string | null {
  if (rounds.length === 0) return null;
  const median = (xs: number[]) => {
    if (xs.length === 0) return null;
    const s = [...xs].sort((a, b) => a - b);
    const m = Math.floor(s.length / 2);
    return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
  };
  const pick = (f: (r: RoundCpu) => number | null) =>
    median(rounds.map(f).filter((x): x is number => x !== null));
  const wall = pick((r) => r.wallMs)!;
  const part = (label: string, ms: number | null) =>
    ms === null ? `${label} n/a` : `${label} ${ms.toFixed(0)} ms (${(ms / wall).toFixed(2)} cores)`;
  const proxy = pick((r) => r.proxyMs);
  return [
    `CPU per timed round (median of ${rounds.length}, ${wall.toFixed(0)} ms wall):`,
    [
      part(
        'harness',
        pick((r) => r.harnessMs),
      ),
      part(
        'server',
        pick((r) => r.serverMs),
      ),
      ...(proxy === null ? [] : [part('latency proxy', proxy)]),
      `steal ${pick((r) => r.stealMs)?.toFixed(0) ?? 'n/a'} ms`,
    ].join(', '),
  ].join(' ');
}

/** The postmaster's pid from `dataDir`/postmaster.pid, or null. */
export function postmasterPid(dataDir: string): number | null {
  const pid = Number(read(`${dataDir}/postmaster.pid`)?.split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}
