import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { dropDatabase } from '@dal/db';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { BenchDatabase } from '../src/database';
import { BenchmarkError } from '../src/errors';
import { parseArgs } from '../src/options';
import { Progress } from '../src/progress';
import { run } from '../src/run';
import { SCENARIO_IDS } from '../src/scenarios/ids';
import { errorLines, runCli } from './cli-helpers';

const scratch = mkdtempSync(join(tmpdir(), 'dal-bench-test-'));
afterAll(async () => {
  rmSync(scratch, { recursive: true, force: true });
  await dropDatabase(inject('dalAdminUrl'), 'dal_bench_test');
});

// both tests use dal_bench_test on the test server, so they live in this one file and run in order
describe('a run at --scale test', () => {
  it('writes environment.json, raw.json, summary.md, the charts and index.html, and prints the tables', async () => {
    const out = join(scratch, 'results');
    const result = await runCli(['--quick', '--scale', 'test', '--impl', 'pg', '--out', out], {
      DATABASE_URL: inject('dalAdminUrl'),
    });
    expect(errorLines(result.stderr).filter((l) => l.startsWith('pnpm bench:'))).toEqual([]);
    expect(result.code).toBe(0);
    for (const id of SCENARIO_IDS) expect(result.stdout).toContain(`\n${id}: `);
    expect(readdirSync(out).sort()).toEqual([
      'bulk-insert.svg',
      'environment.json',
      'index.html',
      'n-plus-one.svg',
      'pagination.svg',
      'pooling.svg',
      'raw.json',
      'summary.md',
    ]);
    expect(readdirSync(scratch)).toEqual(['results']);

    const env = JSON.parse(readFileSync(join(out, 'environment.json'), 'utf8'));
    expect(env.dataset).toMatchObject({ scale: 'test', rows: { orders: 400 } });
    expect(env.run).toMatchObject({ profile: 'quick', pool: 10, latencyMs: 0, rounds: 5 });
    expect(env.run.orderSeed).toEqual(expect.any(Number));
    expect(env.statistics).toMatchObject({ confidence: 0.95, p99MinSamples: 100 });
    expect(env.run.timeBudgetMsByScenario).toMatchObject({ 'n-plus-one': 60, pooling: 45 });
    // the single-caller read scenarios run more rounds (roundsFactor), the others the profile's
    expect(env.run.roundsByScenario).toMatchObject({
      'n-plus-one': 8,
      'point-read': 8,
      pagination: 8,
      pooling: 5,
    });
    expect(env.postgres.version).toBe(inject('dalServerVersion'));
    expect(env.implementations.map((i: { id: string }) => i.id)).toEqual(['pg']);
    expect(env.implementations[0].libraries.pg).toMatch(/^\d+\.\d+\.\d+/);
    expect(env.harness.overhead.p50Ms).toBeGreaterThanOrEqual(0);
    expect(env.cpu.count).toBeGreaterThan(0);

    // the page (test/report-page.test.ts opens one in Chromium): every scenario, and the data it is built from
    const page = readFileSync(join(out, 'index.html'), 'utf8');
    for (const id of SCENARIO_IDS) expect(page).toContain(`id="s-${id}"`);
    expect(page).toContain('<script id="dal-data" type="application/json">');

    const raw = JSON.parse(readFileSync(join(out, 'raw.json'), 'utf8'));
    expect(raw.scenarios.map((s: { scenario: string }) => s.scenario)).toEqual([...SCENARIO_IDS]);
    for (const scenario of raw.scenarios) {
      expect(scenario.results.length).toBeGreaterThan(0);
      for (const r of scenario.results) {
        expect(r.stats.samples).toBeGreaterThan(0);
        // the round is the unit: one ops/s per round, the median of them with an interval around it
        expect(r.rounds).toHaveLength(env.run.roundsByScenario[scenario.scenario]);
        expect(r.roundOpsPerSec).toHaveLength(env.run.roundsByScenario[scenario.scenario]);
        const [low, high] = r.opsPerSecInterval;
        expect(low).toBeLessThanOrEqual(r.opsPerSec);
        expect(high).toBeGreaterThanOrEqual(r.opsPerSec);
        // raw pg's own rows carry no ratio to raw pg (pgbench's rows do: raw pg ÷ pgbench)
        if (r.impl === 'pg') {
          expect(r.ratioToPg).toBeNull();
          expect(r.ratioToPgInterval).toBeNull();
        }
        if (r.stats.samples < 100) expect(r.stats.p99).toBeNull();
        // CPU of every timed round: the harness's always; the server's where the run started it (this run
        // gets the test server as DATABASE_URL, so n/a)
        for (const round of r.rounds) {
          expect(round.cpu.harnessMs).toBeGreaterThan(0);
          expect(round.cpu.serverMs).toBeNull();
        }
        // statements per operation inside the rounds agree with the count phase (the run stops otherwise;
        // retries under contention are exempt)
        if (
          r.counts &&
          r.statementsPerOpInRounds !== null &&
          !r.observed.merged &&
          !['transfer-contention', 'lost-update'].includes(scenario.scenario)
        )
          expect(Math.abs(r.statementsPerOpInRounds / r.counts.statementsPerOp - 1)).toBeLessThanOrEqual(
            0.01,
          );
      }
    }
    for (const r of raw.scenarios.find((s: { scenario: string }) => s.scenario === 'bulk-insert').results)
      expect(typeof r.observed.autovacuums).toBe('number');
    // pooling's longer rounds are what ran: every round's wall time covers its budget
    const scenario = (id: string) => raw.scenarios.find((s: { scenario: string }) => s.scenario === id);
    // (pgbench's rows time themselves: their rounds are sized from the round before, not by tinybench)
    for (const r of scenario('pooling').results.filter((x: { impl: string }) => x.impl !== 'pgbench')) {
      for (const round of r.rounds) expect(round.wallMs).toBeGreaterThanOrEqual(45);
      // the pool held over the case's rounds is what closed after them, counted on the server
      if (r.case.startsWith('pool ') && !r.case.includes('staggered'))
        expect(r.observed['server connections']).toBe(r.labels.pool);
    }
    const nPlusOne = raw.scenarios[0].results;
    const joined = nPlusOne.find((r: { case: string }) => r.case === 'joined');
    if (inject('dalServerKind') === 'embedded') {
      expect(joined.counts.statementsPerOp).toBe(1);
      // the count phase planned each statement with the values it bound: the joined load is analysed
      expect(joined.counts.sql[0].plan).toMatchObject({ analyzed: true, executionMs: expect.any(Number) });
      expect(joined.counts.sql[0].plan.nodes.length).toBeGreaterThan(1);
      // the deepest OFFSET page reads every earlier row; the keyset page reads one page through the index
      const deepest = (method: string) =>
        scenario('pagination').results.find((r: { case: string }) => r.case === `${method}/10`).counts.sql[0]
          .plan;
      const read = (plan: { nodes: Array<{ node: string; rows: number; removed: number }> }) =>
        plan.nodes.filter((n) => n.node.endsWith('Scan')).reduce((sum, n) => sum + n.rows + n.removed, 0);
      expect(read(deepest('offset'))).toBeGreaterThanOrEqual(200);
      expect(read(deepest('keyset'))).toBeLessThanOrEqual(21);
    } else expect(joined.counts).toBeNull();
    expect(scenario('transfer-contention').results[0].observed.invariant).toBe('held');
    // raw pg offers named prepared statements, so the statement-mode variants run for it
    const cases = (id: string) => scenario(id).results.map((r: { case: string }) => r.case);
    expect(cases('point-read')).toEqual(['getProduct', 'getProduct prepared']);
    expect(cases('pooling')).toEqual(
      expect.arrayContaining(['pool 8', 'pool 8 prepared', 'pool 8 staggered', 'connect-per-op']),
    );
    if ('skipped' in env.pgbench) expect(env.pgbench.skipped).toMatch(/^pgbench /);
    else {
      // pgbench's rows: every pool size in both modes, 5 rounds each, a per-round ratio raw pg ÷ pgbench
      const bench = scenario('pooling').results.filter((r: { impl: string }) => r.impl === 'pgbench');
      expect(bench.map((r: { case: string }) => r.case).sort()).toEqual(
        ['pool 1', 'pool 1 prepared', 'pool 32', 'pool 32 prepared', 'pool 8', 'pool 8 prepared'].sort(),
      );
      for (const r of bench) {
        expect(r.roundOpsPerSec).toHaveLength(5);
        expect(r.ratioToPg).toBeGreaterThan(0);
        expect(r.stats.samples).toBeGreaterThan(0);
      }
      expect(result.stdout).toMatch(
        /Raw pg prepared ÷ pgbench -M prepared: pool 1: [\d,]+ vs [\d,]+ ops\/s = /,
      );
    }

    const summary = readFileSync(join(out, 'summary.md'), 'utf8');
    const headings = [...summary.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(headings).toEqual(['Implementations', ...SCENARIO_IDS]);
    expect(summary).toContain('![pagination: time per page vs page depth](pagination.svg)');
    expect(summary).toMatch(/\| naive \| pg \| [\d.]+ \|/);
    expect(summary).toMatch(/^pgbench baseline/m);
    if (inject('dalServerKind') === 'embedded') {
      expect(summary).toMatch(/^Plans at depth 10: OFFSET/m);
      expect(summary).toMatch(/^Plans \(joined; EXPLAIN ANALYZE/m);
    }
    expect(summary).toMatch(/^CPU per timed round \(median of \d+, \d+ ms wall\): harness \d+ ms/m);
    for (const chart of ['pagination', 'pooling', 'bulk-insert', 'n-plus-one']) {
      const svg = readFileSync(join(out, `${chart}.svg`), 'utf8');
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
      expect(svg).toContain('>pg<');
    }
  }, 240_000); // 5 rounds of every scenario; the machine is shared

  /** A quiet `--quick --scale test` run over raw pg and the tampered implementation: the error it stops with. */
  async function tamperedRunStop(scenarios: string, out: string): Promise<unknown> {
    const parsed = parseArgs(['--quick', '--scale', 'test', '--scenario', scenarios, '--out', out]);
    if (parsed.kind !== 'run') throw new Error('expected a run');
    const silent = new Writable({ write: (_chunk, _encoding, done) => done() });
    const previous = process.env.DATABASE_URL;
    process.env.DATABASE_URL = inject('dalAdminUrl');
    try {
      await run(
        { ...parsed.options, impls: ['pg', 'tampered'] },
        {
          progress: new Progress(silent, false),
          signal: new AbortController().signal,
          registryModule: new URL('./fixtures/tampered-registry.ts', import.meta.url).href,
        },
      );
      return null;
    } catch (error) {
      return error;
    } finally {
      process.env.DATABASE_URL = previous;
    }
  }

  it('stops before timing anything when an implementation returns other data than raw pg', async () => {
    const stop = await tamperedRunStop('point-read', join(scratch, 'no'));
    expect(stop).toBeInstanceOf(BenchmarkError);
    expect((stop as Error).message).toMatch(
      /^tampered: point-read getProduct returned other data than raw pg[^\n]*\n {2}first difference at \[0\]\.name: expected 'Product 1', got 'tampered'$/,
    );
    expect(existsSync(join(scratch, 'no'))).toBe(false);
  }, 60_000);

  it('keeps the scenarios that finished when a later one stops the run, and says where it stopped', async () => {
    const out = join(scratch, 'partial');
    // the tampered implementation reads its orders like raw pg and only its getProduct is wrong
    const stop = await tamperedRunStop('n-plus-one,point-read', out);
    expect(stop).toBeInstanceOf(BenchmarkError);
    expect((stop as Error).message).toMatch(
      /^tampered: point-read getProduct returned other data than raw pg[\s\S]*\n {2}the 1 scenario\(s\) that finished before point-read are in /,
    );
    const raw = JSON.parse(readFileSync(join(out, 'raw.json'), 'utf8'));
    expect(raw.scenarios.map((s: { scenario: string }) => s.scenario)).toEqual(['n-plus-one']);
    const env = JSON.parse(readFileSync(join(out, 'environment.json'), 'utf8'));
    expect(env.run.stopped.scenario).toBe('point-read');
    expect(env.run.stopped.message).toMatch(/^tampered: point-read getProduct returned other data/);
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toContain(
      '**This run stopped in scenario point-read**',
    );
  }, 180_000);

  it('settles the written tables with a vacuum and a checkpoint', async () => {
    const db = await BenchDatabase.open(inject('dalAdminUrl'), 'test', { attach: true });
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      const checkpoint = async () =>
        (await admin.query('SELECT checkpoint_lsn::text AS lsn FROM pg_control_checkpoint()')).rows[0].lsn;
      const vacuumed = async () =>
        (await admin.query(`SELECT vacuum_count FROM pg_stat_all_tables WHERE relname = 'order_items'`)).rows;
      const before = { lsn: await checkpoint(), vacuums: await vacuumed() };
      await db.settle();
      expect(await checkpoint()).not.toBe(before.lsn);
      expect(await vacuumed()).toEqual([
        { vacuum_count: String(Number(before.vacuums[0].vacuum_count) + 1) },
      ]);
    } finally {
      await admin.end();
      await db.close();
    }
  });

  it('stops on Ctrl-C: one line, exit code 130, no results, no scenario process left behind', async () => {
    const out = join(scratch, 'interrupted');
    // its own process group, signalled as a terminal does: every process in it gets SIGINT
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', '--quick', '--scale', 'test', '--out', out],
      {
        cwd: fileURLToPath(new URL('..', import.meta.url)),
        env: { ...process.env, CI: '1', DATABASE_URL: inject('dalAdminUrl') },
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    const interrupted = new Promise<void>((resolve) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        // scenarios run in processes of their own: interrupt while one is timing
        if (/round 1\/\d+/.test(stderr)) resolve();
      });
    });
    await interrupted;
    process.kill(-child.pid!, 'SIGINT');
    // 'close' waits for every holder of the output pipes, so a lingering scenario process would hang here
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(code).toBe(130);
    expect(stderr).toContain('pnpm bench: interrupted, no results written');
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(out)).toBe(false);
  }, 120_000);
});
