import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Interval, ratioVerdict } from '../../intervals';
import { IMPLEMENTATIONS, REFERENCE_ID } from '../../registry';
import type { RunData, RunResult } from '../../run-data';
import type { ScenarioReport } from '../../runner';
import { SCENARIOS } from '../../scenarios';
import { specs } from '../charts';
import {
  contractMethods,
  extractImplementation,
  gitRevision,
  type SourceReader,
  workingTree,
} from '../code-view';
import { exceptions, fmt, fmtCount, fmtEstimate, fmtRatio } from '../table';
import { createCodeHighlighter, escapeHtml, type Highlighter } from './highlight';
import { methodOf } from './operations';

/**
 * index.html of a results directory: one self-contained page (vega, vega-lite and vega-embed inlined, the
 * data as JSON, the code highlighted at build time), readable from disk with no server and no network.
 */

export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const PAGE_DIR = new URL('./', import.meta.url);

type Query = { query: string; callsPerOp: number; rowsPerOp: number };
const queriesOf = (r: RunResult): Query[] =>
  ((r.counts as { queries?: Query[] } | null)?.queries ?? []).filter((q) => typeof q.query === 'string');

const MAX_SQL = 2_000;
const sqlText = (query: string) => {
  const text = query.replace(/\s+/g, ' ').trim();
  return text.length > MAX_SQL ? `${text.slice(0, MAX_SQL)} … (${text.length} characters)` : text;
};

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
}

/** Where the code view's source comes from, and whether each implementation changed since the run. */
function sourceState(source: SourceReader, runSha: string | null, runDirty: boolean, ids: readonly string[]) {
  const head = source.commit ?? git(['rev-parse', 'HEAD']);
  const dirty =
    source.commit === null &&
    (git(['status', '--porcelain', '--', ...ids.map((id) => `packages/impl-${id}/src`)]) ?? '') !== '';
  const known = runSha ? git(['cat-file', '-e', `${runSha}^{commit}`]) !== null : false;
  const changed = Object.fromEntries(
    ids.map((id) => {
      // a run with uncommitted changes measured code no commit holds: whether it changed since is unknown
      if (!runSha || !known || runDirty) return [id, null];
      const range = source.commit ? [runSha, source.commit] : [runSha];
      const diff = git(['diff', '--name-only', ...range, '--', `packages/impl-${id}/src`]);
      return [id, diff === null ? null : diff !== ''];
    }),
  );
  return { head, dirty, runSha, known, changed: changed as Record<string, boolean | null> };
}

interface Meta {
  id: string;
  displayName: string;
  kind: string;
  libraries: Record<string, string>;
  bulkMethods: string[];
  escapeHatches?: Array<{ method: string; reason: string }>;
  preparedStatements?: string | null;
}

const scenarioInfo = (id: string) => SCENARIOS.find((s) => s.id === id);

/** Label columns of a scenario: the scenario's own, else the labels its results carry. */
function labelColumns(id: string, results: readonly RunResult[]): string[] {
  const declared = scenarioInfo(id)?.columns;
  if (declared) return [...declared];
  return [...new Set(results.flatMap((r) => Object.keys(r.labels)))];
}

/** Scenarios without a chart in charts.ts get ops/s by implementation (and case), with the intervals. */
function fallbackSpec(id: string, results: readonly RunResult[]): object {
  const cases = new Set(results.map((r) => r.case));
  const values = results.map((r) => ({
    impl: r.impl,
    case: r.case,
    value: r.opsPerSec,
    low: r.opsPerSecInterval[0],
    high: r.opsPerSecInterval[1],
    ratio: r.ratioToPg === null ? 'raw pg' : fmtRatio(r.ratioToPg, r.ratioToPgInterval),
  }));
  const x =
    cases.size > 1
      ? { field: 'case', type: 'nominal', sort: null }
      : { field: 'impl', type: 'nominal', sort: null };
  const xOffset = cases.size > 1 ? { xOffset: { field: 'impl', type: 'nominal' } } : {};
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 480,
    height: 240,
    title: `${id}: operations per second (median of rounds, 95% interval)`,
    data: { values },
    layer: [
      {
        mark: 'bar',
        encoding: {
          x,
          ...xOffset,
          y: { field: 'value', type: 'quantitative', title: 'operations / s' },
          color: { field: 'impl', type: 'nominal' },
        },
      },
      {
        mark: { type: 'rule', color: 'black' },
        encoding: { x, ...xOffset, y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' } },
      },
    ],
  };
}

/** The vega-lite spec of each scenario: charts.ts's (the same as the SVGs), or the fallback. */
function chartSpecs(run: RunData, scenarios: readonly string[]): Record<string, object> {
  // charts.ts reads only the scenario id and these fields of each result, all of which a loaded run has
  const reports = scenarios.map((id) => ({
    scenario: { id },
    results: run.results.filter((r) => r.scenario === id),
  })) as unknown as ScenarioReport[];
  const out: Record<string, object> = {};
  for (const chart of specs(reports)) out[chart.file.replace(/\.svg$/, '')] = chart.spec;
  for (const id of scenarios) {
    out[id] ??= fallbackSpec(
      id,
      run.results.filter((r) => r.scenario === id),
    );
    // values on hover: every mark shows its data row
    (out[id] as { config?: object }).config = { mark: { tooltip: { content: 'data' } } };
  }
  return out;
}

const attr = (v: string | number) => escapeHtml(String(v));

function cell(text: string, sortValue?: number | null, cls = ''): string {
  const sort =
    sortValue === undefined || sortValue === null || !Number.isFinite(sortValue)
      ? ''
      : ` data-v="${sortValue}"`;
  return `<td${sort}${cls ? ` class="${cls}"` : ''}>${escapeHtml(text)}</td>`;
}

function verdictClass(interval: Interval | null): string {
  if (!interval) return 'ref';
  return ratioVerdict(interval);
}

function resultsTable(id: string, results: readonly RunResult[]): string {
  const columns = labelColumns(id, results);
  const rate = results.some((r) => r.rate !== null);
  const observed = [...new Set(results.flatMap((r) => Object.keys(r.observed)))];
  const head = [
    ...columns,
    'impl',
    'p50 ms',
    'p99 ms',
    'mean ms',
    'ops/s (95% CI)',
    'rounds',
    'samples',
    ...(rate ? [scenarioInfo(id)?.unitRate ?? 'rate'] : []),
    'stmts/op',
    'rows/op',
    ...observed,
    '× pg (95% CI)',
  ];
  const rows = results.map((r) => {
    const unitsPerOp = r.rate === null ? null : r.rate / r.opsPerSec;
    const cells = [
      ...columns.map((c) => {
        const v = r.labels[c];
        return cell(String(v ?? ''), typeof v === 'number' ? v : undefined);
      }),
      `<td class="impl">${escapeHtml(r.impl)}</td>`,
      cell(fmt(r.stats.p50), r.stats.p50),
      cell(r.stats.p99 === null ? '—' : fmt(r.stats.p99), r.stats.p99),
      cell(fmt(r.stats.mean), r.stats.mean),
      cell(fmtEstimate(r.opsPerSec, r.opsPerSecInterval), r.opsPerSec),
      cell(String(r.roundOpsPerSec.length), r.roundOpsPerSec.length),
      cell(String(r.stats.samples), r.stats.samples),
      ...(rate
        ? [
            cell(
              unitsPerOp === null
                ? '—'
                : fmtEstimate(r.rate, [
                    r.opsPerSecInterval[0] * unitsPerOp,
                    r.opsPerSecInterval[1] * unitsPerOp,
                  ]),
              r.rate,
            ),
          ]
        : []),
      cell(fmtCount(r.counts?.statementsPerOp), r.counts?.statementsPerOp),
      cell(fmtCount(r.counts?.rowsPerOp), r.counts?.rowsPerOp),
      ...observed.map((k) => {
        const v = r.observed[k];
        return cell(v === undefined ? '—' : String(v), typeof v === 'number' ? v : undefined);
      }),
      cell(
        fmtRatio(r.ratioToPg, r.ratioToPgInterval),
        r.ratioToPg ?? 1,
        `ratio ${verdictClass(r.ratioToPgInterval)}`,
      ),
    ];
    return `<tr data-impl="${attr(r.impl)}">${cells.join('')}</tr>`;
  });
  const th = head.map((h, i) => `<th data-col="${i}" title="sort">${escapeHtml(h)}</th>`).join('');
  return `<div class="table-wrap"><table class="results sortable"><thead><tr>${th}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

/** The distinct SQL each implementation sent in a scenario, cases with the same statements grouped. */
function sqlGroups(results: readonly RunResult[]) {
  const groups = new Map<string, { cases: string[]; result: RunResult }>();
  for (const r of results) {
    const queries = queriesOf(r);
    if (!queries.length) continue;
    const key = queries.map((q) => q.query).join('\u0000');
    const group = groups.get(key);
    if (group) group.cases.push(r.case);
    else groups.set(key, { cases: [r.case], result: r });
  }
  return [...groups.values()];
}

/**
 * The SQL blocks of the results view, each highlighted once and given an id (q0, q1...): the code view shows
 * the same block by id instead of a second copy.
 */
class SqlBlocks {
  private readonly ids = new Map<string, string>();
  constructor(private readonly h: Highlighter) {}
  id(queries: readonly Query[]): string {
    const text = queries
      .map(
        (q) =>
          `-- ${fmtCount(q.callsPerOp)} call(s), ${fmtCount(q.rowsPerOp)} row(s) per operation\n${sqlText(q.query)};`,
      )
      .join('\n');
    let id = this.ids.get(text);
    if (!id) {
      id = `q${this.ids.size}`;
      this.ids.set(text, id);
    }
    return id;
  }
  /** The block as it stands in the results view. */
  html(queries: readonly Query[]): string {
    const id = this.id(queries);
    const text = [...this.ids].find(([, v]) => v === id)![0];
    return `<pre class="sql" id="${id}"><code>${this.h.lines(text, 'sql').join('\n')}</code></pre>`;
  }
}

function sqlSections(sql: SqlBlocks, results: readonly RunResult[], impls: readonly string[]): string {
  return impls
    .map((impl) => {
      const groups = sqlGroups(results.filter((r) => r.impl === impl));
      if (!groups.length) return '';
      const parts = groups.map(
        ({ cases, result }) =>
          `<p><b>${escapeHtml(cases.join(', '))}</b> — ${fmtCount(result.counts?.statementsPerOp)} statement(s) per operation</p>${sql.html(queriesOf(result))}`,
      );
      return `<details class="sql-of"><summary>SQL sent by ${escapeHtml(impl)}</summary>${parts.join('')}</details>`;
    })
    .join('');
}

function environmentSection(run: RunData, impls: readonly Meta[]): string {
  // biome-ignore lint/suspicious/noExplicitAny: environment.json of any age; every field is checked before use
  const env = (run.environment ?? {}) as Record<string, any>;
  const r = env.run ?? {};
  const rows: Array<[string, string]> = [];
  const add = (k: string, v: unknown) => {
    if (v !== undefined && v !== null && v !== '') rows.push([k, String(v)]);
  };
  add('date', env.date);
  add(
    'commit',
    env.git
      ? `${env.git.sha?.slice(0, 12) ?? 'no git'}${env.git.dirty ? ' (uncommitted changes)' : ''}`
      : null,
  );
  add(
    'machine',
    env.cpu ? `${env.cpu.count} × ${env.cpu.model}, ${env.memoryGiB} GiB, ${env.platform}` : null,
  );
  add('Node', env.node);
  add('PostgreSQL', env.postgres ? `${env.postgres.version}: ${env.postgres.server}` : null);
  add(
    'dataset',
    env.dataset
      ? `scale ${env.dataset.scale}: ${Object.entries(env.dataset.rows ?? {})
          .map(([t, n]) => `${n} ${t}`)
          .join(', ')} (seed ${env.dataset.seed}, fingerprint ${env.dataset.fingerprint})`
      : null,
  );
  add(
    'profile',
    r.profile
      ? `${r.profile}: ${r.rounds} rounds${exceptions(r.roundsByScenario, r.rounds, String)} of ${r.timeBudgetMsPerTaskAndRound} ms${exceptions(r.timeBudgetMsByScenario, r.timeBudgetMsPerTaskAndRound, (t) => `${t} ms`)} per task${r.warmupMs ? ` after a ${r.warmupMs} ms warm-up` : ''}`
      : null,
  );
  add('pool', r.pool === undefined ? null : `${r.pool} connections per implementation`);
  add('latency', r.latency ? `${r.latency}; SELECT 1 round trip ${fmt(r.roundTripMs?.libraries)} ms` : null);
  add('statement counts', env.configuration?.statementCounting);
  add('harness overhead', env.harness?.overhead ? `p50 ${fmt(env.harness.overhead.p50Ms * 1000)} µs` : null);
  // the baseline's rows are in the pooling table (implementation pgbench); here, which pgbench and how
  const pgbench = env.pgbench as { version?: string; skipped?: string } | null | undefined;
  add(
    'pgbench baseline',
    pgbench?.version
      ? `${pgbench.version}: getProduct's statement, -c = pool size, in the pooling rounds (rows "pgbench")`
      : pgbench?.skipped
        ? `n/a (${pgbench.skipped})`
        : null,
  );
  if (run.derived) {
    add(
      'note',
      'this raw.json predates the per-round fields: each round’s ops/s, the intervals and × pg were derived from its samples, as the harness computes them',
    );
  }
  if (r.rounds !== undefined && r.rounds < 6) {
    add(
      'intervals',
      `with ${r.rounds} rounds an interval is the slowest to the fastest round (below 95% coverage)`,
    );
  }
  const dl = rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('');
  const implRows = impls
    .map(
      (m) =>
        `<tr><td class="impl">${escapeHtml(m.id)}</td><td>${escapeHtml(m.displayName)}</td><td>${escapeHtml(m.kind)}</td><td>${escapeHtml(
          Object.entries(m.libraries)
            .map(([n, v]) => `${n} ${v}`)
            .join(', '),
        )}</td><td>${escapeHtml(m.bulkMethods.join(', '))}</td><td>${escapeHtml(m.preparedStatements ? 'yes' : 'no')}</td><td>${
          m.escapeHatches?.length ?? 0
        }</td></tr>`,
    )
    .join('');
  return `<section id="environment"><h2>Environment</h2><dl class="env">${dl}</dl>
<details><summary>Implementations in this run (${impls.length})</summary><div class="table-wrap"><table class="impls"><thead><tr><th>impl</th><th>name</th><th>kind</th><th>libraries</th><th>bulk methods</th><th>prepared statements</th><th>escape hatches</th></tr></thead><tbody>${implRows}</tbody></table></div></details></section>`;
}

/** What the benchmark saw of each contract method, per implementation: cases, SQL, statements/op, × pg. */
function operations(sql: SqlBlocks, run: RunData) {
  const out: Record<
    string,
    Record<
      string,
      Array<{
        scenario: string;
        cases: string;
        stmts: string;
        ratios: Array<[string, string, string]>;
        sql: string;
      }>
    >
  > = {};
  const byMethod = new Map<string, RunResult[]>();
  for (const r of run.results) {
    const method = methodOf(r.scenario, r.labels);
    if (!method) continue;
    byMethod.set(method, [...(byMethod.get(method) ?? []), r]);
  }
  for (const [method, results] of byMethod) {
    const perImpl: (typeof out)[string] = {};
    for (const impl of new Set(results.map((r) => r.impl))) {
      const mine = results.filter((r) => r.impl === impl);
      perImpl[impl] = [...new Set(mine.map((r) => r.scenario))].flatMap((scenario) =>
        sqlGroups(mine.filter((r) => r.scenario === scenario)).map(({ cases, result }) => ({
          scenario,
          cases: cases.join(', '),
          stmts: fmtCount(result.counts?.statementsPerOp),
          ratios: mine
            .filter((r) => r.scenario === scenario && cases.includes(r.case))
            .map((r): [string, string, string] => [
              r.case,
              r.impl === REFERENCE_ID ? 'raw pg (the reference)' : fmtRatio(r.ratioToPg, r.ratioToPgInterval),
              verdictClass(r.ratioToPgInterval),
            ]),
          sql: sql.id(queriesOf(result)),
        })),
      );
    }
    out[method] = perImpl;
  }
  return out;
}

function codeData(h: Highlighter, ids: readonly string[], source: SourceReader) {
  const methods = contractMethods(REPO_ROOT, source);
  const code: Record<
    string,
    {
      blocks: Record<
        string,
        {
          name: string;
          kind: string;
          file: string;
          line: number;
          html: string;
          eh: Array<{ label: string; reason: string; lines: number[] }>;
        }
      >;
      methods: Record<string, string[]>;
    }
  > = {};
  for (const id of ids) {
    const impl = extractImplementation(REPO_ROOT, id, methods, source);
    const blocks: (typeof code)[string]['blocks'] = {};
    for (const b of Object.values(impl.blocks)) {
      // lines joined by \n: the page wraps each in its numbered line element
      blocks[b.id] = {
        name: b.name,
        kind: b.kind,
        file: b.file,
        line: b.line,
        html: h.lines(b.code, 'typescript').join('\n'),
        eh: b.escapeHatches,
      };
    }
    code[id] = { blocks, methods: impl.methods };
  }
  return { methods, code };
}

/** A browser build from the benchmarks package's own dependencies (pnpm links each one there). */
function asset(name: string): string {
  return readFileSync(join(REPO_ROOT, 'benchmarks/node_modules', name), 'utf8').replace(
    /<\/(script)/gi,
    '<\\/$1',
  );
}

const pageAsset = (name: string) => readFileSync(new URL(name, PAGE_DIR), 'utf8');

/** JSON inside a <script> element: nothing in it may close the element. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

export interface PageOptions {
  /**
   * A git revision to take the code view's source from (e.g. HEAD for a page that is committed: it then shows
   * committed code only); the working tree when absent.
   */
  source?: string;
}

export async function reportPage(run: RunData, options: PageOptions = {}): Promise<string> {
  const reader = options.source ? gitRevision(REPO_ROOT, options.source) : workingTree();
  const h = await createCodeHighlighter();
  const sql = new SqlBlocks(h);
  const env = (run.environment ?? {}) as {
    implementations?: Meta[];
    git?: { sha?: string; dirty?: boolean };
    date?: string;
  };
  const metas = env.implementations ?? [];
  const inRun = [...new Set(run.results.map((r) => r.impl))];
  const scenarios = [...new Set(run.results.map((r) => r.scenario))];
  // every implementation of the repository, the run's first in the registry's order
  const known = IMPLEMENTATIONS.map((i) => i.id);
  const codeIds = known.filter((id) => reader.exists(join(REPO_ROOT, 'packages', `impl-${id}`, 'src')));
  const source = sourceState(reader, env.git?.sha ?? null, env.git?.dirty ?? false, codeIds);
  const { methods, code } = codeData(h, codeIds, reader);
  const charts = chartSpecs(run, scenarios);

  const sections = scenarios.map((id) => {
    const results = run.results.filter((r) => r.scenario === id);
    const info = scenarioInfo(id);
    return `<section class="scenario" id="s-${attr(id)}"><h2>${escapeHtml(id)}</h2><p>${escapeHtml(
      info ? `${info.title}. ${info.measures}` : '',
    )}</p><div class="chart" data-scenario="${attr(id)}"></div>${resultsTable(id, results)}<div class="sqls">${sqlSections(
      sql,
      results,
      inRun,
    )}</div></section>`;
  });

  const data = {
    run: { name: run.name, sha: env.git?.sha ?? null },
    charts,
    impls: codeIds.map((id) => ({
      id,
      name: metas.find((m) => m.id === id)?.displayName ?? id,
      inRun: inRun.includes(id),
      changed: source.changed[id] ?? null,
    })),
    methods,
    code,
    ops: operations(sql, run),
    source: {
      head: source.head,
      dirty: source.dirty,
      runSha: source.runSha,
      runDirty: env.git?.dirty ?? false,
      known: source.known,
    },
  };
  const title = `Data Access Lab — ${run.name}`;
  const nav = scenarios.map((id) => `<a href="#s-${attr(id)}">${escapeHtml(id)}</a>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${pageAsset('page.css')}${h.css()}</style>
</head><body>
<header><h1>${escapeHtml(title)}</h1><nav><a href="#environment">environment</a>${nav}<a href="#code" class="code-link">code view</a></nav></header>
<main>
<p class="lede">Throughput is the median over rounds with its 95% interval; × pg is raw pg's ops/s ÷ this row's, round by round: <span class="ratio same">≈ pg</span> when its interval includes 1, so the rounds cannot tell it from raw pg. Click a column heading to sort. Files: <a href="summary.md">summary.md</a>, <a href="raw.json">raw.json</a>, <a href="environment.json">environment.json</a>.</p>
${environmentSection(run, metas.length ? metas : inRun.map((id) => ({ id, displayName: id, kind: '', libraries: {}, bulkMethods: [] })))}
${sections.join('\n')}
<section id="code"><h2>Code view</h2>
<p class="source-note"></p>
<div class="code-controls">
<label>method <select id="method"></select></label>
<label><input type="radio" name="mode" value="all" checked> every implementation</label>
<label><input type="radio" name="mode" value="two"> two side by side:</label>
<select id="left"></select><select id="right"></select>
</div>
<div id="code-cards"></div>
</section>
</main>
<script id="dal-data" type="application/json">${scriptJson(data)}</script>
<script>${asset('vega/build/vega.min.js')}</script>
<script>${asset('vega-lite/build/vega-lite.min.js')}</script>
<script>${asset('vega-embed/build/vega-embed.min.js')}</script>
<script>${pageAsset('client.js')}</script>
</body></html>
`;
}
