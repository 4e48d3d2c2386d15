import { type PostgresServer, StatementCounter, startServer } from '@dal/db';
import pg from 'pg';
import { postmasterPid } from './cpu';
import { BenchDatabase, DATA_DIR } from './database';
import { BenchmarkError } from './errors';
import { type Implementation, loadImplementations } from './implementations';
import {
  addedRoundTripMs,
  type CoresAwake,
  calibrateProxy,
  keepCoresAwake,
  type LatencyProxy,
  loadedRoundTripSummary,
  type ProxyCalibration,
  roundTripMs,
  startLatencyProxy,
} from './latency-proxy';
import { asRole, libraryRole } from './library-role';
import type { RunOptions } from './options';
import { pgbenchInfo } from './pgbench';
import { placement, placeServer } from './placement';
import { formatDuration, type Progress } from './progress';
import { IMPLEMENTATIONS, type RegisteredImplementation } from './registry';
import { pgbenchComparison } from './report/baseline';
import { renderCharts } from './report/charts';
import { describeEnvironment, gitShortSha, gitState } from './report/environment';
import { summaryMarkdown } from './report/summary';
import { driversOf, scenarioTable, textTable } from './report/table';
import { checkOutDir, checkWritable, defaultOutDir, writeResultsOrFallback } from './report/write';
import { parseRun } from './run-data';
import {
  harnessOverhead,
  plannedUnits,
  planScenarios,
  type ScenarioReport,
  type ScenarioSeconds,
} from './runner';
import type { ScenarioContext } from './scenario';
import { runScenarioProcess, type ScenarioJob } from './scenario-process';
import { SCENARIOS } from './scenarios';

export interface RunContext {
  progress: Progress;
  signal: AbortSignal;
  /** URL of a module exporting `IMPLEMENTATIONS` in place of src/registry.ts (tests). */
  registryModule?: string;
}

const REGISTRY_MODULE = new URL('./registry.ts', import.meta.url).href;

async function freeConnections(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT current_setting('max_connections')::int - (SELECT count(*)::int FROM pg_stat_activity) AS free`,
    );
    return rows[0].free;
  } finally {
    await client.end();
  }
}

/** Every JSON number rounded to 4 decimals; raw.json (every sample) is written without indentation to stay small. */
const json = (value: unknown, indent: number | undefined = 2) =>
  `${JSON.stringify(value, (_key, v) => (typeof v === 'number' && !Number.isInteger(v) ? Math.round(v * 1e4) / 1e4 : v), indent)}\n`;

function rawResults(reports: readonly ScenarioReport[]) {
  return reports.map((r) => ({
    scenario: r.scenario.id,
    title: r.scenario.title,
    results: r.results.map((x) => ({
      case: x.case,
      labels: x.labels,
      impl: x.impl,
      concurrency: x.concurrency,
      stats: x.stats,
      roundOpsPerSec: x.roundOpsPerSec,
      opsPerSec: x.opsPerSec,
      opsPerSecInterval: x.opsPerSecInterval,
      rate: x.rate,
      ratioToPg: x.ratio,
      ratioToPgInterval: x.ratioInterval,
      counts: x.counts,
      statementsPerOpInRounds: x.statementsPerOpInRounds,
      observed: x.observed,
      rounds: x.rounds.map((p) => ({
        wallMs: p.wallMs,
        completed: p.completed,
        cpu: p.cpu ?? null,
        proxyRoundTrip: p.proxyRoundTrip ?? null,
        samplesMs: p.samples,
      })),
    })),
  }));
}

/** The whole benchmark run; returns the exit code. */
export async function run(options: RunOptions, context: RunContext): Promise<number> {
  const { progress, signal } = context;
  const startedAt = new Date();
  const code = gitState();
  const began = performance.now();
  // a results directory that cannot be written is found now, before anything is measured
  const outDir = options.outDir ? checkOutDir(options.outDir) : null;
  if (!outDir) checkWritable(defaultOutDir(startedAt, gitShortSha()), 'the results directory');
  const registry: { IMPLEMENTATIONS: readonly RegisteredImplementation[] } = context.registryModule
    ? await import(context.registryModule)
    : { IMPLEMENTATIONS };
  const impls: Implementation[] = await loadImplementations(registry.IMPLEMENTATIONS, options.impls);
  progress.note(
    `implementations: ${impls.map((i) => i.id).join(', ')}; scenarios: ${options.scenarios.join(', ')}`,
  );

  let server: PostgresServer | undefined;
  let db: BenchDatabase | undefined;
  let proxy: LatencyProxy | undefined;
  let awake: CoresAwake | undefined;
  let calibration: ProxyCalibration | null = null;
  let counter: StatementCounter | null = null;
  try {
    server = await startServer({ dataDir: DATA_DIR });
    progress.note(`PostgreSQL ${server.version} (${server.kind})`);
    progress.note(`dataset ${options.scale}: checking dal_bench_${options.scale} (seeded once, then reused)`);
    let lastSeedLine = 0;
    db = await BenchDatabase.open(server.adminUrl, options.scale, {
      onSeedProgress: (p) => {
        // a line per table when it is complete, and every 5 s while a large one loads
        if (!p.done && performance.now() - lastSeedLine < 5000) return;
        lastSeedLine = performance.now();
        const count = p.done ? `${p.rows}` : `${p.rows}/~${p.expectedRows}`;
        progress.note(
          `dataset ${options.scale}: ${p.table} ${count} rows${p.done ? ' loaded' : ''} (${Math.round(p.rowsPerSec)} rows/s), ${formatDuration(p.elapsedMs)} elapsed, about ${formatDuration(p.remainingMs ?? Number.NaN)} left for the dataset`,
        );
      },
    });
    progress.note(
      db.dataset.seeded
        ? `dataset ${options.scale}: seeded in ${formatDuration(db.dataset.seedMilliseconds ?? 0)}`
        : `dataset ${options.scale}: reused (fingerprint ${db.dataset.fingerprint})`,
    );
    const role = await libraryRole(db);
    if (role.note) progress.note(`statement counts: ${role.note}`);
    if (options.latencyMs > 0) {
      proxy = await startLatencyProxy(db.url, options.latencyMs);
      awake = keepCoresAwake();
      const [through, direct] = [proxy.url, db.url];
      calibration = {
        ...(await calibrateProxy(proxy, options.latencyMs, () => addedRoundTripMs(direct, through))),
        coresAwake: awake.description,
      };
      progress.note(
        `latency: +${options.latencyMs} ms per round trip through a proxy on port ${proxy.port} (${proxy.scheduling}): ${calibration.oneWayMs.toFixed(3)} ms each way, as its own hops cost ${calibration.overheadMs.toFixed(2)} ms; measured +${calibration.addedMs.toFixed(2)} ms with the cores kept awake for the run (${awake.description})`,
      );
    }
    const roundTrip = {
      directMs: await roundTripMs(db.url),
      librariesMs: proxy ? await roundTripMs(asRole(proxy.url, role.role)) : null,
    };
    counter = await StatementCounter.open(server.adminUrl, db.name, role.role);
    if (!counter) progress.note('statement counts: n/a (the server has no pg_stat_statements)');

    const serverPid = server.kind === 'embedded' ? postmasterPid(DATA_DIR) : null;
    const place = placement({ serverPid, latency: options.latencyMs > 0 });
    const splitScenarios: string[] = [];
    const scenarios = SCENARIOS.filter((s) => options.scenarios.includes(s.id));
    const ctx: ScenarioContext = {
      db,
      scale: options.scale,
      profile: options.profile,
      poolSize: options.poolSize,
      // the proxy passes the startup message through: the libraries' role is in the URL they connect with
      libraryUrl: proxy ? asRole(proxy.url, role.role) : role.url,
      freeConnections: await freeConnections(db.url),
      implementations: impls.length,
    };
    const setup = {
      scenarios,
      impls,
      db,
      profile: options.profile,
      poolSize: options.poolSize,
      libraryUrl: ctx.libraryUrl,
      freeConnections: ctx.freeConnections,
      counter,
      progress,
      signal,
    };
    const plans = await planScenarios(setup, ctx);
    progress.start(plannedUnits(plans, counter !== null));
    progress.task('harness overhead (empty task)');
    const overhead = await harnessOverhead(options.profile, signal);
    const registryModule = context.registryModule ?? REGISTRY_MODULE;
    const reports: ScenarioReport[] = [];
    const scenarioSeconds: Record<string, ScenarioSeconds> = {};
    // the baseline's rows come from the pooling scenario's rounds (scenarios/pooling.ts)
    const pgbench = scenarios.some((s) => s.id === 'pooling') ? pgbenchInfo() : null;
    let stopped: { scenario: string; error: BenchmarkError } | null = null;
    for (const plan of plans) {
      const scenarioBegan = performance.now();
      // a single caller's rounds run with the harness's main thread and the server on cores of their own
      // (placement.ts): the server is placed here, the scenario's process places its main thread
      const oneCaller = plan.cases.every((c) => c.tasks.every((t) => (t.spec.concurrency ?? 1) === 1));
      const unplace =
        oneCaller && place.split && serverPid !== null ? placeServer(serverPid, place.split) : null;
      const job: ScenarioJob = {
        scenario: plan.scenario.id,
        impls: impls.map((i) => i.id),
        registryModule,
        adminUrl: server.adminUrl,
        scale: options.scale,
        profile: options.profile,
        poolSize: options.poolSize,
        libraryUrl: ctx.libraryUrl,
        freeConnections: ctx.freeConnections,
        counting: counter !== null,
        countedRole: role.role,
        serverPid,
        proxyPid: proxy?.pid ?? null,
        harnessCpus: unplace ? place.split!.harness : null,
      };
      if (unplace) splitScenarios.push(plan.scenario.id);
      let outcome: Awaited<ReturnType<typeof runScenarioProcess>>;
      try {
        outcome = await runScenarioProcess(job, progress, signal);
      } catch (error) {
        // a scenario that stops the run (other data than raw pg, a count that disagrees with the rounds) does
        // not take the scenarios that finished before it along: they are written out, and the run says where
        // it stopped. A usage error or Ctrl-C ends it as before.
        if (!(error instanceof BenchmarkError) || signal.aborted || reports.length === 0) throw error;
        stopped = { scenario: plan.scenario.id, error };
        break;
      } finally {
        unplace?.();
      }
      const { results, seconds } = outcome;
      if (plan.scenario.writes) await db.settle();
      if (seconds)
        scenarioSeconds[plan.scenario.id] = { total: (performance.now() - scenarioBegan) / 1000, ...seconds };
      reports.push({ scenario: plan.scenario, cases: plan.cases.map((c) => c.benchCase), results });
    }
    progress.stop();

    const loaded = loadedRoundTripSummary(reports);
    const env = await describeEnvironment({
      options,
      impls,
      server,
      databaseUrl: db.url,
      dataDir: server.kind === 'embedded' ? DATA_DIR : null,
      dataset: db.dataset,
      statementCounting:
        counter === null
          ? null
          : role.own
            ? `pg_stat_statements, read by the harness from another database; only the statements of role ${role.role}, which every library and pgbench connect as (the harness uses its own role)`
            : `pg_stat_statements, read by the harness from another database; ${role.note}`,
      overhead,
      roundTrip: { ...roundTrip, loaded, proxyScheduling: proxy?.scheduling ?? null, calibration },
      startedAt,
      git: code,
      pgbench,
      wallSeconds: (performance.now() - began) / 1000,
      scenarioSeconds,
      stopped: stopped && { scenario: stopped.scenario, message: stopped.error.message },
      placement: place.split
        ? { harnessCpus: place.split.harness, serverCpus: place.split.server, scenarios: splitScenarios }
        : { reason: place.reason, scenarios: [] },
    });
    const charts = await renderCharts(reports);
    const files: Record<string, string> = {
      'environment.json': json(env),
      'raw.json': json({ environment: env.date, scenarios: rawResults(reports) }, undefined),
      'summary.md': summaryMarkdown(env, impls, reports, charts, counter !== null),
    };
    for (const chart of charts) files[chart.file] = chart.svg;
    const target = outDir ?? defaultOutDir(startedAt, gitShortSha());
    // the tables first: whatever happens to the files, the run's numbers are on the terminal
    for (const report of reports) {
      process.stdout.write(`\n${report.scenario.id}: ${report.scenario.title}\n`);
      process.stdout.write(`${textTable(scenarioTable(report, counter !== null, driversOf(impls)))}\n`);
    }
    const comparison = pgbenchComparison(pgbench, reports);
    if (comparison) process.stdout.write(`\n${comparison}\n`);
    process.stdout.write(`\nharness overhead (empty task): p50 ${(overhead.p50 * 1000).toFixed(2)} µs\n`);
    // the page from the files just written, exactly as `pnpm bench:report` rebuilds it; imported here, so
    // the TypeScript compiler and shiki load only when a run gets this far
    const { reportPage } = await import('./report/page/index');
    files['index.html'] = await reportPage(
      parseRun(JSON.parse(files['raw.json']!), JSON.parse(files['environment.json']!), target),
    );
    if (signal.aborted) return 130;
    const written = await writeResultsOrFallback(target, files);
    if (written.failed) {
      process.stdout.write(`\ncould not write ${target} (${written.failed})\n`);
    }
    process.stdout.write(
      `results: ${written.dir}${written.failed ? ' (fallback directory)' : ''} (${formatDuration(performance.now() - began)})\n`,
    );
    if (stopped) {
      throw new BenchmarkError(
        `${stopped.error.message}\n  the ${reports.length} scenario(s) that finished before ${stopped.scenario} are in ${written.dir}`,
      );
    }
    return 0;
  } finally {
    progress.stop();
    await counter?.close().catch(() => {});
    await proxy?.close().catch(() => {});
    await awake?.stop().catch(() => {});
    await db?.close().catch(() => {});
    await server?.stop().catch(() => {});
  }
}
