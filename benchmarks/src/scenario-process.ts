import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type Scale, StatementCounter } from '@dal/db';
import { BenchDatabase } from './database';
import { BenchmarkError, messageOf, redactSecrets, UsageError } from './errors';
import { loadImplementations } from './implementations';
import { loadedRoundTrip } from './latency-proxy';
import { harnessMainThread } from './placement';
import type { Profile } from './profile';
import type { RegisteredImplementation } from './registry';
import { type CaseResult, planScenarios, type RunSetup, runScenarios, type ScenarioParts } from './runner';
import type { ScenarioContext } from './scenario';
import { SCENARIOS } from './scenarios';
import type { ScenarioId } from './scenarios/ids';
import { type SqlTap, startSqlTap } from './wire-sql';

/** What a scenario's process needs to run it: everything is passed, nothing is inherited. */
export interface ScenarioJob {
  scenario: ScenarioId;
  impls: string[];
  /** URL of a module exporting `IMPLEMENTATIONS` (src/registry.ts unless a test swaps it). */
  registryModule: string;
  adminUrl: string;
  scale: Scale;
  profile: Profile;
  poolSize: number;
  libraryUrl: string;
  freeConnections: number;
  counting: boolean;
  /** The role whose statements are counted (library-role.ts). */
  countedRole: string;
  /** The embedded server's postmaster (its processes' CPU per round), null for an external server. */
  serverPid: number | null;
  /** The latency proxy's process, null without --latency. */
  proxyPid: number | null;
  /** CPUs for this process's main thread while the server runs on the others (placement.ts), or null. */
  harnessCpus: string | null;
}

type FromChild =
  | { type: 'task'; label: string }
  | { type: 'advance'; units: number }
  | { type: 'done'; results: CaseResult[]; seconds: ScenarioParts | null }
  | { type: 'error'; message: string; usage: boolean };

/** Where a scenario's progress goes: the parent's bar. */
export interface ProgressSink {
  task(label: string): void;
  advance(units: number): void;
}

const SELF = fileURLToPath(import.meta.url);
const TSCONFIG = fileURLToPath(new URL('../tsconfig.json', import.meta.url));

/**
 * Runs one scenario in a new Node.js process and returns its results. Every scenario starts from a fresh
 * heap and fresh JIT state: what one scenario left behind (its garbage, the shapes other code paths taught
 * V8 for node-postgres' functions) would otherwise slow the next, measured at 25% of raw pg's pooling
 * throughput when pooling ran after n-plus-one, pagination and bulk-insert in one process.
 */
export function runScenarioProcess(
  job: ScenarioJob,
  progress: ProgressSink,
  signal: AbortSignal,
): Promise<{ results: CaseResult[]; seconds: ScenarioParts | null }> {
  return new Promise((resolve, reject) => {
    const child = fork(SELF, [], {
      // tsx as a loader, with the benchmark's tsconfig (TypeORM's decorators need it whatever the cwd)
      execArgv: ['--import', import.meta.resolve('tsx')],
      env: { ...process.env, TSX_TSCONFIG_PATH: TSCONFIG, DAL_BENCH_SCENARIO: job.scenario },
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', stop);
      fn();
    };
    const stop = () => {
      child.kill('SIGTERM');
      settle(() => reject(new Error('interrupted')));
    };
    signal.addEventListener('abort', stop, { once: true });
    child.on('message', (message: FromChild) => {
      if (settled) return;
      if (message.type === 'task') progress.task(message.label);
      else if (message.type === 'advance') progress.advance(message.units);
      else if (message.type === 'done') settle(() => resolve(message));
      else {
        const ErrorType = message.usage ? UsageError : BenchmarkError;
        settle(() => reject(new ErrorType(message.message)));
      }
    });
    child.on('error', (error) => settle(() => reject(error)));
    child.on('exit', (code, exitSignal) =>
      settle(() =>
        reject(
          // a terminal's Ctrl-C reaches the whole process group: the child may end before the parent hears it
          signal.aborted || exitSignal === 'SIGINT'
            ? new Error('interrupted')
            : new BenchmarkError(
                `the process of scenario ${job.scenario} ended (${exitSignal ?? `exit code ${code}`}) before it reported`,
              ),
        ),
      ),
    );
    child.send(job);
  });
}

/** The child's side: load the implementations, open the database, run the one scenario, report. */
async function runJob(job: ScenarioJob): Promise<FromChild> {
  let db: BenchDatabase | undefined;
  let counter: StatementCounter | null = null;
  let probe: ReturnType<typeof loadedRoundTrip> | undefined;
  let tap: SqlTap | undefined;
  try {
    if (job.harnessCpus !== null) harnessMainThread(job.harnessCpus);
    const registry: { IMPLEMENTATIONS: readonly RegisteredImplementation[] } = await import(
      job.registryModule
    );
    const impls = await loadImplementations(registry.IMPLEMENTATIONS, job.impls);
    // the parent has seeded (or checked), reset and settled the dataset already
    db = await BenchDatabase.open(job.adminUrl, job.scale, { attach: true });
    counter = job.counting ? await StatementCounter.open(job.adminUrl, db.name, job.countedRole) : null;
    if (counter) tap = await startSqlTap(job.libraryUrl);
    if (job.proxyPid !== null) {
      // through the proxy as the harness's role, which the statement counts leave out: pg_stat_statements
      // merges statements that differ only in column aliases, so the probe's text cannot tell its calls apart
      const proxied = new URL(db.url);
      proxied.host = new URL(job.libraryUrl).host;
      probe = loadedRoundTrip(db.url, proxied.toString());
      await probe.open();
    }
    const send = (message: FromChild) => process.send?.(message);
    const setup: RunSetup = {
      scenarios: SCENARIOS.filter((s) => s.id === job.scenario),
      impls,
      db,
      profile: job.profile,
      poolSize: job.poolSize,
      libraryUrl: job.libraryUrl,
      freeConnections: job.freeConnections,
      counter,
      progress: {
        task: (label: string) => send({ type: 'task', label }),
        advance: (units: number) => send({ type: 'advance', units }),
      },
      signal: new AbortController().signal,
      cpu: { serverPid: job.serverPid, proxyPid: job.proxyPid },
      latencyProbe: probe,
      ...(tap ? { sqlTap: tap } : {}),
    };
    // the scenarios read the URL when they open a repository: the count phase switches it to the SQL tap
    const ctx: ScenarioContext = {
      db,
      scale: job.scale,
      profile: job.profile,
      poolSize: job.poolSize,
      get libraryUrl() {
        return setup.libraryUrl;
      },
      freeConnections: job.freeConnections,
      implementations: impls.length,
    };
    const [report] = await runScenarios(setup, await planScenarios(setup, ctx));
    return { type: 'done', results: report?.results ?? [], seconds: report?.seconds ?? null };
  } catch (error) {
    return { type: 'error', message: messageOf(error), usage: error instanceof UsageError };
  } finally {
    await probe?.close().catch(() => {});
    await tap?.close().catch(() => {});
    await counter?.close().catch(() => {});
    await db?.close().catch(() => {});
  }
}

if (process.send && process.argv[1] === SELF) {
  // Ctrl-C reaches the whole process group and the parent cleans up (server, results); libraries here may
  // have replaced Node's default SIGINT exit with hooks of their own, so leave at once, and also when the
  // parent is gone, before the server's shutdown turns into errors in this process's pools
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));
  process.on('disconnect', () => process.exit(130));
  // the server going down under an interrupted run terminates the pools' idle connections (57P01) before
  // the signal above is handled; anything else uncaught ends the scenario with one line, the parent says which
  process.on('uncaughtException', (error: Error & { code?: string }) => {
    if (error.code === '57P01') process.exit(130);
    process.stderr.write(
      `scenario ${process.env.DAL_BENCH_SCENARIO ?? ''}: ${redactSecrets(messageOf(error))}\n`,
    );
    if (process.env.DAL_BENCH_DEBUG) process.stderr.write(`${error.stack ?? ''}\n`);
    process.exit(1);
  });
  process.once('message', (job: ScenarioJob) => {
    runJob(job).then((message) => {
      // exit now: a library's lingering handle (a timer, a socket being closed) must not keep it alive
      process.send!(message, () => process.exit(0));
    });
  });
}
