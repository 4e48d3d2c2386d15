import { Bench } from 'tinybench';
import type { RoundCpu } from './cpu';
import type { Profile } from './profile';

export interface Phase {
  /** Latency of every timed operation (ms). */
  samples: number[];
  /** Elapsed time of the timed part (ms). */
  wallMs: number;
  /** Operations completed in the timed part (a closed loop also finishes the calls in flight at the end). */
  completed: number;
  /** Operations completed including warm-up. */
  total: number;
  /** CPU time of the harness, the server, the latency proxy and the machine's steal during the phase. */
  cpu?: RoundCpu;
  /** With --latency, closed loops: the round trip the proxy added while the phase ran (medians, ms). */
  proxyRoundTrip?: { directMs: number; proxiedMs: number; addedMs: number; samples: number };
  /** Statements the database executed during the timed part (pg_stat_statements; see measure's afterWarmUp). */
  statements?: number;
}

export interface Measurable {
  run: () => Promise<unknown>;
  concurrency?: number;
  afterEach?: () => Promise<void>;
  iterations?: number;
}

/**
 * One warm-up and one timed phase of a task with tinybench: sequential for one caller, a closed loop of
 * `concurrency` callers otherwise (tinybench's task concurrency: each caller starts its next call as soon as
 * its last one returns).
 */
export async function measure(
  task: Measurable,
  profile: Profile,
  signal?: AbortSignal,
  /** Runs between the warm-up and the timed part, outside both (the in-round statement count starts here). */
  afterWarmUp?: () => Promise<void>,
): Promise<Phase> {
  const concurrency = task.concurrency ?? 1;
  // tinybench listens on the signal it is given and a run has hundreds of phases: give each its own
  const local = new AbortController();
  const abort = () => local.abort();
  signal?.addEventListener('abort', abort, { once: true });
  if (signal?.aborted) local.abort();
  try {
    return await phase(task, profile, concurrency, local.signal, afterWarmUp);
  } finally {
    signal?.removeEventListener('abort', abort);
  }
}

async function phase(
  task: Measurable,
  profile: Profile,
  concurrency: number,
  signal: AbortSignal,
  afterWarmUp: (() => Promise<void>) | undefined,
): Promise<Phase> {
  const closedLoop = concurrency > 1;
  const bench = new Bench({
    time: profile.time,
    warmupTime: profile.warmupTime,
    // in task-concurrency mode iterations cap the run; the time budget alone ends it
    iterations: closedLoop ? 0 : (task.iterations ?? profile.iterations),
    // tinybench warms up until both the time and the iterations are reached: a task that lowers its own
    // iterations is slow (a 10,000-row insert), and one warm-up call of it is as many as its timed ones
    warmupIterations: closedLoop ? 0 : Math.min(profile.warmupIterations, task.iterations ?? Infinity),
    concurrency: closedLoop ? 'task' : null,
    threshold: concurrency,
    retainSamples: true,
    throws: true,
    signal,
  });
  let completed = 0;
  bench.add(
    'task',
    async () => {
      await task.run();
      completed++;
    },
    task.afterEach ? { afterEach: task.afterEach } : {},
  );
  const t = bench.getTask('task')!;
  await t.warmup();
  const warm = completed;
  await afterWarmUp?.();
  const started = performance.now();
  await t.run();
  const wallMs = performance.now() - started;
  const result = t.result;
  if (result.state === 'errored') throw result.error;
  if (result.state !== 'completed' && result.state !== 'aborted-with-statistics') {
    throw new Error(signal.aborted ? 'interrupted' : `task ended ${result.state}`);
  }
  return {
    samples: [...(result.latency.samples ?? [])],
    wallMs,
    completed: completed - warm,
    total: completed,
  };
}
