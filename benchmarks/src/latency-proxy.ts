import { execFileSync, fork, spawn } from 'node:child_process';
import { availableParallelism, setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { startTcpProxy } from '@dal/db';
import pg from 'pg';
import { processCpuNs } from './cpu';
import type { Phase } from './measure';

/** The latency proxy: a TCP proxy in a process of its own whose connections are delayed. */
export interface LatencyProxy {
  /** The URL with host and port replaced by the proxy's. */
  url: string;
  port: number;
  /** The proxy's process: its CPU time is read from /proc per round. */
  pid: number;
  /** How it is scheduled: `SCHED_FIFO 10`, `nice -10`, or `default` where neither could be set. */
  scheduling: string;
  /** The delay each direction gets now (ms): half the round trip asked for until calibrateProxy changes it. */
  oneWayMs: number;
  /** Sets the delay of each direction (ms), for chunks read from then on. */
  setOneWayDelay(ms: number): Promise<void>;
  close(): Promise<void>;
}

/** The proxy's real-time priority (SCHED_FIFO) where the harness may set it: it then runs whenever it is ready. */
export const PROXY_RT_PRIORITY = 10;
/** Its nice value where only that can be set (lower = scheduled first). */
export const PROXY_NICE = -10;

/** Longest single blocking wait (ms): what arrives meanwhile is read and stamped at most this late. */
const SLICE_MS = 0.1;
/** Waits longer than this are left to a libuv timer (millisecond granularity, fires late). */
const TIMER_MS = 2;

interface Pipe {
  queue: Array<{ due: number; chunk: Buffer }>;
  to: import('node:net').Socket;
  ended: boolean;
}

/** Sets a scheduling policy with chrt (util-linux; real-time and SCHED_IDLE need the right to): its label, or null. */
function chrt(pid: number, args: string[], label: string): string | null {
  try {
    execFileSync('chrt', [...args, String(pid)], { stdio: 'ignore' });
    return label;
  } catch {
    return null;
  }
}

/** Sets a nice value: its label, or null where the user may not. */
function nice(pid: number, value: number): string | null {
  try {
    setPriority(pid, value);
    return `nice ${value}`;
  } catch {
    return null;
  }
}

/**
 * The delaying side, run in the proxy's own process so it neither competes with the harness's event loop nor
 * waits on it. Each chunk is due `delayMs` after it was read; one scheduler serves every pipe. A wait of more
 * than 2 ms is a timer; the last stretch is slept in slices of at most 0.1 ms with Atomics.wait (a futex: no
 * spinning), returning to the event loop between slices so the sockets are read on time. Chunks of one pipe
 * leave in arrival order.
 */
function delayer(delay: { ms: number }) {
  const pipes = new Set<Pipe>();
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  let scheduled = false;
  const pump = () => {
    scheduled = false;
    const now = performance.now();
    let next = Number.POSITIVE_INFINITY;
    for (const pipe of pipes) {
      while (pipe.queue.length > 0 && pipe.queue[0]!.due <= now) pipe.to.write(pipe.queue.shift()!.chunk);
      if (pipe.queue.length > 0) next = Math.min(next, pipe.queue[0]!.due);
      else {
        pipes.delete(pipe);
        if (pipe.ended) pipe.to.end();
      }
    }
    if (next === Number.POSITIVE_INFINITY) return;
    const wait = next - performance.now();
    scheduled = true;
    if (wait > TIMER_MS) setTimeout(pump, Math.floor(wait - TIMER_MS / 2));
    else {
      if (wait > 0) Atomics.wait(sleeper, 0, 0, Math.min(wait, SLICE_MS));
      setImmediate(pump);
    }
  };
  return (from: import('node:net').Socket, to: import('node:net').Socket) => {
    const pipe: Pipe = { queue: [], to, ended: false };
    from.on('data', (chunk: Buffer) => {
      pipe.queue.push({ due: performance.now() + delay.ms, chunk });
      pipes.add(pipe);
      if (!scheduled) {
        scheduled = true;
        setImmediate(pump);
      }
    });
    from.on('end', () => {
      pipe.ended = true;
      if (pipe.queue.length === 0) to.end();
    });
  };
}

const SELF = fileURLToPath(import.meta.url);

/**
 * A loopback TCP proxy in front of PostgreSQL that delays each direction by `rttMs / 2`, so every round trip
 * costs at least `rttMs` more, as against a database in another zone. It runs in a child process of its own.
 */
export function startLatencyProxy(targetUrl: string, rttMs: number): Promise<LatencyProxy> {
  return new Promise((resolve, reject) => {
    const child = fork(SELF, [], {
      execArgv: ['--import', import.meta.resolve('tsx')],
      env: { ...process.env, DAL_LATENCY_PROXY: '1' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(new Error(`the latency proxy ended (exit code ${code}) before it listened`)),
    );
    child.once('message', (message: { port: number } | { error: string }) => {
      if ('error' in message) {
        reject(new Error(`latency proxy: ${message.error}`));
        return;
      }
      child.removeAllListeners('exit');
      // a 2-core machine runs the harness, the server and the proxy at once: a proxy that waits for a core
      // delays by more than it was asked, the more the busier the server (nice -10: 1.31 ms added for 1 ms
      // asked under pooling's load, 3.84 ms at pool 32). A real-time policy lets it run as soon as a chunk is
      // due; it blocks between chunks (no spinning), and the kernel caps real-time tasks at 95% of a core.
      // Where the user may not (root or CAP_SYS_NICE; chrt from util-linux) it falls back to nice, then default.
      const scheduling =
        chrt(
          child.pid!,
          ['--fifo', '--all-tasks', '--pid', String(PROXY_RT_PRIORITY)],
          `SCHED_FIFO ${PROXY_RT_PRIORITY}`,
        ) ??
        nice(child.pid!, PROXY_NICE) ??
        'default';
      const url = new URL(targetUrl);
      url.hostname = '127.0.0.1';
      url.port = String(message.port);
      const proxy: LatencyProxy = {
        url: url.toString(),
        port: message.port,
        pid: child.pid!,
        scheduling,
        oneWayMs: rttMs / 2,
        setOneWayDelay: (ms) =>
          new Promise<void>((done, fail) => {
            child.once('message', () => {
              proxy.oneWayMs = ms;
              done();
            });
            child.send({ oneWayMs: ms }, (error) => error && fail(error));
          }),
        close: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      };
      resolve(proxy);
    });
    child.send({ targetUrl, rttMs });
  });
}

if (process.send && process.env.DAL_LATENCY_PROXY && process.argv[1] === SELF) {
  process.on('disconnect', () => process.exit(0));
  process.on('SIGINT', () => {}); // the parent stops it (Ctrl-C reaches the whole group)
  process.once('message', ({ targetUrl, rttMs }: { targetUrl: string; rttMs: number }) => {
    const delay = { ms: rttMs / 2 };
    // later messages set the delay (calibrateProxy) and are acknowledged
    process.on('message', (message: { oneWayMs?: number }) => {
      if (typeof message.oneWayMs !== 'number') return;
      delay.ms = message.oneWayMs;
      process.send!({ oneWayMs: delay.ms });
    });
    startTcpProxy(
      targetUrl,
      (() => {
        const pipe = delayer(delay);
        return (client, upstream) => {
          pipe(client, upstream);
          pipe(upstream, client);
        };
      })(),
    ).then(
      (proxy) => process.send!({ port: proxy.port }),
      (error: Error) => process.send!({ error: error.message }, () => process.exit(1)),
    );
  });
}

/** What calibrateProxy found: the one-way delay it set and the round trip the proxy then added (ms). */
export interface ProxyCalibration {
  requestedMs: number;
  /** The proxy's own cost per round trip (its two hops, its scheduling): what it first added beyond its delay. */
  overheadMs: number;
  oneWayMs: number;
  addedMs: number;
  steps: number;
  /** What kept the cores awake while it measured and while the run went on (keepCoresAwake). */
  coresAwake?: string;
}

/**
 * Sets the proxy's one-way delay so that the round trip it adds, hops and scheduling included, is the
 * `rttMs` asked for: the proxy's own two hops and wake-ups cost about 0.6 ms per round trip on the 2-core
 * reference machine (1 ms asked measured 1.68 ms idle and 1.67 ms under pooling's load), so half the asked
 * round trip each way overshoots. `measureAdded` returns the round trip added now (proxied − direct medians);
 * at most 5 corrections, stopping within 5%.
 */
export async function calibrateProxy(
  proxy: Pick<LatencyProxy, 'oneWayMs' | 'setOneWayDelay'>,
  rttMs: number,
  measureAdded: () => Promise<number>,
): Promise<ProxyCalibration> {
  let added = await measureAdded();
  const overheadMs = Math.max(0, added - 2 * proxy.oneWayMs);
  let steps = 0;
  while (steps < 5 && Math.abs(added - rttMs) > 0.05 * rttMs) {
    steps++;
    const next = Math.min(rttMs / 2, Math.max(0, proxy.oneWayMs + (rttMs - added) / 2));
    if (next === proxy.oneWayMs) break;
    await proxy.setOneWayDelay(next);
    added = await measureAdded();
  }
  return { requestedMs: rttMs, overheadMs, oneWayMs: proxy.oneWayMs, addedMs: added, steps };
}

/**
 * The round trip the proxy adds now (ms): a direct and a proxied connection take turns with `SELECT 1`, and the
 * difference of their medians is the proxy's share. Taking turns lets both meet the same moments of a noisy
 * machine; the untimed pairs first warm the proxy's code (a fresh proxy's first round trips ran its delaying
 * code cold: a calibration right after it started measured 1.8–2 ms of its own cost where 0.5 was true).
 */
export async function addedRoundTripMs(
  directUrl: string,
  proxyUrl: string,
  { samples = 200, warm = 100 } = {},
): Promise<number> {
  const pair = probePair(directUrl, proxyUrl);
  try {
    await pair.connect();
    for (let i = 0; i < warm; i++) await pair.turn(false);
    for (let i = 0; i < samples; i++) await pair.turn();
    return pair.medians()!.addedMs;
  } finally {
    await pair.end();
  }
}

/**
 * A direct and a proxied connection as the harness's role, which the statement counts leave out (or the
 * probe's calls would count as the libraries'), timing `SELECT 1` in turns.
 */
function probePair(directUrl: string, proxyUrl: string) {
  const direct = new pg.Client({ connectionString: directUrl, application_name: 'dal-bench-harness' });
  const proxied = new pg.Client({ connectionString: proxyUrl, application_name: 'dal-bench-harness' });
  for (const c of [direct, proxied]) c.on('error', () => {});
  let times = { direct: [] as number[], proxied: [] as number[] };
  const time = async (client: pg.Client) => {
    const started = performance.now();
    await client.query('SELECT 1');
    return performance.now() - started;
  };
  return {
    connect: () => Promise.all([direct.connect(), proxied.connect()]),
    /** One `SELECT 1` on each, direct first; its times are kept unless `keep` is false. */
    async turn(keep = true) {
      const d = await time(direct);
      const p = await time(proxied);
      if (keep) {
        times.direct.push(d);
        times.proxied.push(p);
      }
    },
    forget() {
      times = { direct: [], proxied: [] };
    },
    /** Medians of the kept turns: direct, through the proxy, and their difference (ms); null without turns. */
    medians(): { directMs: number; proxiedMs: number; addedMs: number; samples: number } | null {
      if (times.proxied.length === 0) return null;
      const d = upperMedian(times.direct);
      const p = upperMedian(times.proxied);
      return { directMs: d, proxiedMs: p, addedMs: p - d, samples: times.proxied.length };
    },
    end: () => Promise.all([direct.end().catch(() => {}), proxied.end().catch(() => {})]),
  };
}

/** Processes that keep every core out of its idle state; `stop` ends them. */
export interface CoresAwake {
  /** What keeps them awake, e.g. `2 SCHED_IDLE spinners`. */
  description: string;
  stop(): Promise<void>;
}

/**
 * Keeps every core busy with processes that give way to anything else that wants to run (SCHED_IDLE where
 * chrt may set it, else nice 19), for as long as a `--latency` run goes on. Why: on this VM a core that goes
 * idle is slow to wake, and the proxy's round trip wakes three processes where a direct one wakes two, so the
 * round trip it adds depends on how idle the machine is. Measured here with 0.4 ms each way: a single
 * caller's round trip through the proxy took 1.6–2.5 ms (direct 0.2–0.45) on the idle machine and 1.1–1.3 ms
 * (direct 0.16–0.28) with the cores awake; a calibration on the idle machine measured 0.45–0.6 ms of hops,
 * with the cores awake 0.2–0.26 and under pooling's load about 0.25. The direct path did not get slower.
 * Each spinner also exits when the harness does.
 */
export function keepCoresAwake(): CoresAwake {
  const spin = `const p=${process.pid};for(;;){for(let i=0;i<1e7;i++);if(process.ppid!==p)process.exit()}`;
  const spinners = Array.from({ length: availableParallelism() }, () =>
    spawn(process.execPath, ['-e', spin], { stdio: 'ignore' }),
  );
  const policies = spinners.map(
    (child) => chrt(child.pid!, ['--idle', '--pid', '0'], 'SCHED_IDLE') ?? nice(child.pid!, 19) ?? 'default',
  );
  return {
    description: `${spinners.length} ${policies[0]} spinners`,
    stop: async () => {
      await Promise.all(
        spinners.map(
          (child) =>
            new Promise<void>((done) => {
              if (child.exitCode !== null || child.signalCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGKILL');
            }),
        ),
      );
    },
  };
}

/** The middle value, the upper of the two middle ones for an even count: the median of every probe figure. */
export function upperMedian(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

/** Median time of `SELECT 1` on one connection to `url` (ms): what a round trip costs there. */
export async function roundTripMs(url: string, samples = 50): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  try {
    for (let i = 0; i < 5; i++) await client.query('SELECT 1');
    const times: number[] = [];
    for (let i = 0; i < samples; i++) {
      const started = performance.now();
      await client.query('SELECT 1');
      times.push(performance.now() - started);
    }
    return upperMedian(times);
  } finally {
    await client.end();
  }
}

/**
 * The self-test under load: while a timed phase runs, one connection direct and one through the proxy take
 * turns sending `SELECT 1`; the difference of their medians is what the proxy added per round trip, with the
 * load the phase puts on both cores (the harness's event loop delays both sides alike). Both connect as a role
 * the statement counts leave out (the harness's), or the probe's calls would count as the libraries'.
 */
export function loadedRoundTrip(directUrl: string, proxyUrl: string) {
  const pair = probePair(directUrl, proxyUrl);
  let running = false;
  let loop: Promise<void> = Promise.resolve();
  return {
    async open() {
      await pair.connect();
      await pair.turn(false);
    },
    start() {
      pair.forget();
      running = true;
      loop = (async () => {
        while (running) {
          await pair.turn();
          await new Promise((r) => setTimeout(r, 5));
        }
      })();
    },
    /** Medians of the round: direct, through the proxy, and their difference (ms). */
    async stop(): Promise<{ directMs: number; proxiedMs: number; addedMs: number; samples: number } | null> {
      running = false;
      await loop;
      return pair.medians();
    },
    async close() {
      running = false;
      await loop.catch(() => {});
      await pair.end();
    },
  };
}

/** The self-test's bound: under load the proxy must add the round trip asked within this share of it (p50). */
export const SELF_TEST_TOLERANCE = 0.15;

/** Whether a measured added round trip passes the self-test for the latency asked. */
export function selfTestVerdict(addedMs: number, askedMs: number): 'within' | 'outside' {
  return Math.abs(addedMs / askedMs - 1) <= SELF_TEST_TOLERANCE ? 'within' : 'outside';
}

/** CPU time of the proxy's process so far (ms), or null where /proc is not readable. */
export function proxyCpuMs(pid: number): number | null {
  const ns = processCpuNs(pid);
  return ns === null ? null : ns / 1e6;
}

/**
 * The self-test over the run: per scenario with closed loops, the median over rounds of the round trip the
 * proxy added under that load, its spread, and the proxy's CPU per round. null without --latency.
 */
export function loadedRoundTripSummary(
  reports: ReadonlyArray<{ scenario: { id: string }; results: ReadonlyArray<{ rounds: readonly Phase[] }> }>,
): Record<
  string,
  { addedMs: number; minMs: number; maxMs: number; rounds: number; proxyCpuMsPerRound: number | null }
> | null {
  const out: Record<
    string,
    { addedMs: number; minMs: number; maxMs: number; rounds: number; proxyCpuMsPerRound: number | null }
  > = {};
  for (const report of reports) {
    const rounds = report.results.flatMap((r) => r.rounds);
    const added = rounds.flatMap((p) => (p.proxyRoundTrip ? [p.proxyRoundTrip.addedMs] : []));
    if (added.length === 0) continue;
    const cpu = rounds.flatMap((p) => (p.cpu?.proxyMs == null ? [] : [p.cpu.proxyMs]));
    out[report.scenario.id] = {
      addedMs: upperMedian(added),
      minMs: Math.min(...added),
      maxMs: Math.max(...added),
      rounds: added.length,
      proxyCpuMsPerRound: cpu.length ? upperMedian(cpu) : null,
    };
  }
  return Object.keys(out).length ? out : null;
}
