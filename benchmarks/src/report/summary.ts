import { cpuSummary } from '../cpu';
import type { Implementation } from '../implementations';
import { SELF_TEST_TOLERANCE, selfTestVerdict } from '../latency-proxy';
import type { CaseResult, Counts, ScenarioReport } from '../runner';
import { P99_MIN_SAMPLES } from '../stats';
import { pgbenchComparison } from './baseline';
import type { Chart } from './charts';
import type { Environment, RunPlacement } from './environment';
import { paginationPlans, planBlock, planFlagList, planShape } from './plans';
import { driversOf, exceptions, fmt, fmtCount, markdownTable, scenarioTable } from './table';

const MAX_SQL = 2_000;

function sql(query: string): string {
  const text = query.replace(/\s+/g, ' ').trim();
  return text.length > MAX_SQL ? `${text.slice(0, MAX_SQL)} … (${text.length} characters)` : text;
}

/**
 * The first MAX_LISTED distinct statements of an operation: a library that writes the values into the SQL text
 * (MikroORM, Sequelize) sends a distinct text per value, and listing every one made summary.md a megabyte; raw.json
 * keeps them all.
 */
const MAX_LISTED = 12;
function listed(
  sql: NonNullable<Counts['sql']>,
): Array<NonNullable<Counts['sql']>[number] | { more: number }> {
  return sql.length > MAX_LISTED ? [...sql.slice(0, MAX_LISTED), { more: sql.length - MAX_LISTED }] : sql;
}

/** The distinct SQL an implementation sent, cases with the same statements shown once. */
function sqlSection(results: readonly CaseResult[], impl: string): string {
  const groups = new Map<string, { cases: string[]; result: CaseResult }>();
  for (const r of results.filter((x) => x.impl === impl && x.counts)) {
    // cases that sent the same SQL with plans of the same shape are shown once
    const key = r.counts!.sql
      ? r.counts!.sql.map((q) => `${q.text}\u0001${planShape(q.plan)}`).join('\u0000')
      : r.counts!.queries.map((q) => q.query).join('\u0000');
    const group = groups.get(key);
    if (group) group.cases.push(r.case);
    else groups.set(key, { cases: [r.case], result: r });
  }
  if (groups.size === 0) return '';
  const parts = [...groups.values()].map(({ cases, result }) => {
    // the SQL as sent (from the wire); the server's normalised statements where the run had no tap
    const lines = result.counts!.sql
      ? listed(result.counts!.sql).map((q, i) =>
          'more' in q
            ? `-- … and ${q.more} more distinct statements (values written into the SQL text; all in raw.json)`
            : `-- statement ${i + 1}: sent ${fmtCount(q.sentPerOp)} time(s)${q.executedPerOp === undefined ? '' : `, executed ${fmtCount(q.executedPerOp)} time(s)`} per operation\n${sql(q.text)};`,
        )
      : result.counts!.queries.map(
          (q) =>
            `-- ${fmtCount(q.callsPerOp)} call(s), ${fmtCount(q.rowsPerOp)} row(s) per operation\n${sql(q.query)};`,
        );
    const block = `**${cases.join(', ')}** — ${fmtCount(result.counts!.statementsPerOp)} statement(s) per operation\n\n\`\`\`sql\n${lines.join('\n')}\n\`\`\``;
    const plans = planBlock(result);
    return plans ? `${block}\n\n${plans}` : block;
  });
  return `<details><summary>SQL sent by ${impl}</summary>\n\n${parts.join('\n\n')}\n\n</details>`;
}

/** Where the single-caller scenarios ran (placement.ts), in one line. */
export function placementLine(placement: RunPlacement): string {
  if (!('harnessCpus' in placement)) return `single-caller scenarios ${placement.reason}`;
  return `single-caller scenarios (${placement.scenarios.join(', ') || 'none in this run'}) ran split, the harness's main thread on CPU ${placement.harnessCpus} (its other threads on every CPU) and every server process on CPU ${placement.serverCpus}; the others on every core`;
}

export function summaryMarkdown(
  env: Environment,
  impls: readonly Implementation[],
  reports: readonly ScenarioReport[],
  charts: readonly Chart[],
  counting: boolean,
): string {
  const run = env.run;
  const out: string[] = [];
  out.push(
    `# Benchmark results ${env.date.slice(0, 10)} (${env.git.sha?.slice(0, 7) ?? 'no git'}${env.git.dirty ? ', uncommitted changes' : ''})`,
  );
  if (run.stopped) {
    out.push(
      `> **This run stopped in scenario ${run.stopped.scenario}**; the ${reports.length} scenario(s) below finished before it. ${run.stopped.message.split('\n')[0]}`,
    );
  }
  out.push(
    [
      `- Node ${env.node}, ${env.platform}; ${env.cpu.count} × ${env.cpu.model}; ${env.memoryGiB} GiB memory`,
      `- PostgreSQL ${env.postgres.version}: ${env.postgres.server}`,
      `- Dataset: scale ${env.dataset.scale} (${Object.entries(env.dataset.rows)
        .map(([t, n]) => `${n} ${t}`)
        .join(', ')}), seed ${env.dataset.seed}, fingerprint ${env.dataset.fingerprint}`,
      `- Profile ${run.profile}: an untimed warm-up round of 2 × ${run.warmupMs} ms per task${exceptions(run.warmupMsByScenario, run.warmupMs, (w) => `2 × ${w} ms`)}, then ${run.rounds} interleaved rounds${exceptions(run.roundsByScenario, run.rounds, String)} of ${run.timeBudgetMsPerTaskAndRound} ms${exceptions(run.timeBudgetMsByScenario, run.timeBudgetMsPerTaskAndRound, (t) => `${t} ms`)} per task, each of at least ${run.minIterationsPerRound} operations after a ${run.roundWarmupMs} ms warm-up; order within rounds balanced (seed ${run.orderSeed})`,
      `- Pool size ${run.pool} for every implementation; latency: ${run.latency}; SELECT 1 round trip (median): ${fmt(run.roundTripMs.libraries)} ms${run.latencyMs > 0 ? ` (direct: ${fmt(run.roundTripMs.direct)} ms)` : ''}`,
      ...(run.placement ? [`- Cores: ${placementLine(run.placement)}`] : []),
      `- Statement counts: ${env.configuration.statementCounting}`,
      `- Harness overhead (empty task): p50 ${fmt(env.harness.overhead.p50Ms * 1000)} µs, mean ${fmt(env.harness.overhead.meanMs * 1000)} µs`,
      `- Every output was verified to deep-equal raw pg's for the same input before it was timed.`,
    ].join('\n'),
  );
  out.push('## Implementations');
  out.push(
    markdownTable({
      columns: [
        'impl',
        'name',
        'kind',
        'driver',
        'libraries',
        'bulk methods',
        'prepared statements',
        'preview features',
      ],
      numeric: [false, false, false, false, false, false, false, false],
      rows: impls.map(({ meta }) => [
        meta.id,
        meta.displayName,
        meta.kind,
        meta.driver,
        Object.entries(meta.libraries)
          .map(([name, version]) => `${name} ${version}`)
          .join(', '),
        meta.bulkMethods.join(', '),
        meta.preparedStatements ?? 'none (no library API)',
        (meta.previewFeatures ?? []).join(', ') || '—',
      ]),
    }),
  );
  out.push(
    `Columns: p50/p99/mean = latency of one operation in ms over the samples of every round (p99 only from ${P99_MIN_SAMPLES} samples on); ops/s = the median over rounds of each round's operations per second (one caller: 1000 ÷ mean ms; concurrent callers: completed operations ÷ elapsed time), with its 95% interval in brackets; stmts/op and rows/op = counted by the database (pg_stat_statements), transaction control excluded; × pg = the median over rounds of raw pg's ops/s ÷ this row's ops/s in the same round, with its 95% interval: "≈ pg" when the interval includes 1, so the rounds cannot tell it from raw pg. Intervals are distribution-free confidence intervals of the median over rounds (order statistics with binomial ranks: the 2nd to 9th of 10 sorted rounds, the 4th to 12th of 15); two rows differ only where their intervals do not overlap.`,
  );
  for (const report of reports) {
    out.push(`## ${report.scenario.id}`);
    out.push(`${report.scenario.title}. ${report.scenario.measures}`);
    out.push(markdownTable(scenarioTable(report, counting, driversOf(impls))));
    const cpu = cpuSummary(report.results.flatMap((r) => r.rounds.flatMap((p) => (p.cpu ? [p.cpu] : []))));
    if (cpu) out.push(cpu);
    const loaded = run.roundTripMs.loadedAddedByScenario?.[report.scenario.id];
    if (loaded)
      out.push(
        `Latency proxy under this load: added round trip ${fmt(loaded.addedMs)} ms median over ${loaded.rounds} rounds (${fmt(loaded.minMs)}–${fmt(loaded.maxMs)}) for ${run.latencyMs} ms asked (${selfTestVerdict(loaded.addedMs, run.latencyMs)} the ±${100 * SELF_TEST_TOLERANCE}% self-test bound); proxy CPU ${loaded.proxyCpuMsPerRound === null ? 'n/a' : `${fmt(loaded.proxyCpuMsPerRound)} ms`} per round.`,
      );
    for (const chart of charts.filter((c) => c.file === `${report.scenario.id}.svg`)) {
      out.push(`![${chart.title}](${chart.file})`);
    }
    const comparison = report.scenario.id === 'pooling' ? pgbenchComparison(env.pgbench, reports) : null;
    if (comparison) out.push(comparison);
    const pagination = paginationPlans(report);
    if (pagination) out.push(pagination);
    const flagged = planFlagList(report);
    if (flagged) out.push(flagged);
    const sections = impls.map((i) => sqlSection(report.results, i.id)).filter(Boolean);
    if (sections.length) out.push(sections.join('\n\n'));
  }
  return `${out.join('\n\n')}\n`;
}
