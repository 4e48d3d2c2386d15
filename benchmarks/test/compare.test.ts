import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { compareRuns, worseAbove } from '../src/compare';
import { medianInterval, ratioInterval } from '../src/intervals';
import { loadRun } from '../src/run-data';
import { type CliResult, errorLines } from './cli-helpers';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'dal-compare-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const PG = [2000, 2100, 1900, 2050, 1950, 2200, 1800, 2000, 2080, 1920];

/** A results directory with point-read rows of pg and the given libraries (rounds of ops/s each). */
function writeRun(name: string, libs: Record<string, number[]>, pg = PG): string {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  const results = Object.entries({ pg, ...libs }).map(([impl, rounds]) => {
    const ops = medianInterval(rounds);
    const ratio = impl === 'pg' ? null : ratioInterval(pg, rounds);
    return {
      case: 'getProduct',
      labels: { operation: 'getProduct', statements: 'unnamed' },
      impl,
      concurrency: 1,
      stats: { samples: 1000, mean: 1000 / ops.value, p50: 1000 / ops.value, p99: 1 },
      roundOpsPerSec: rounds,
      opsPerSec: ops.value,
      opsPerSecInterval: ops.interval,
      rate: null,
      ratioToPg: ratio?.value ?? null,
      ratioToPgInterval: ratio?.interval ?? null,
      counts: null,
      observed: {},
      rounds: [],
    };
  });
  writeFileSync(join(dir, 'raw.json'), JSON.stringify({ scenarios: [{ scenario: 'point-read', results }] }));
  return dir;
}

const times = (rounds: number[], f: number) => rounds.map((x) => x * f);
// kysely 1.2× pg, drizzle 1.5× pg, with a little noise of their own
const noise = [1, 1.02, 0.99, 1.01, 0.98, 1.0, 1.03, 0.97, 1.0, 1.01];
const kysely = PG.map((x, i) => (x / 1.2) * noise[i]!);
const drizzle = PG.map((x, i) => (x / 1.5) * noise[9 - i]!);

function compareCli(args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      'pnpm',
      [
        'exec',
        'tsx',
        'src/compare-cli.ts',
        ...args.map((a, i) => (a.startsWith('-') || args[i - 1] === '--fail-above' ? a : join(scratch, a))),
      ],
      { cwd: ROOT, timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
      },
    );
  });
}

describe('compareRuns', () => {
  it('finds two runs with the same rounds identical: every ratio agrees, none changed', () => {
    const a = loadRun(writeRun('same-a', { kysely, drizzle }));
    const b = loadRun(writeRun('same-b', { kysely, drizzle }));
    const c = compareRuns(a, b);
    expect(c).toMatchObject({ ratios: 2, agree: 2, changed: 0, aInsideB: 2, bInsideA: 2 });
    expect(c.rows.map((r) => [r.opsChange, r.ratioChange])).toEqual([
      ['same', null], // raw pg's own row has no ratio
      ['same', 'same'],
      ['same', 'same'],
    ]);
  });

  it('detects a library shifted by 30% in every round as a significant change, and --fail-above decides', () => {
    const a = loadRun(writeRun('shift-a', { kysely, drizzle }));
    const b = loadRun(writeRun('shift-b', { kysely: times(kysely, 1 / 1.3), drizzle }));
    const c = compareRuns(a, b);
    expect(c).toMatchObject({ ratios: 2, agree: 1, changed: 1, aInsideB: 1, bInsideA: 1 });
    const row = c.rows.find((r) => r.a.impl === 'kysely')!;
    expect(row).toMatchObject({ opsChange: 'lower', ratioChange: 'higher' });
    expect(row.ratioDelta).toBeCloseTo(0.3, 6);
    expect(worseAbove(c, 10).map((r) => r.a.impl)).toEqual(['kysely']);
    expect(worseAbove(c, 40)).toEqual([]);
    // the other way round it got better, which --fail-above never fails on
    expect(worseAbove(compareRuns(b, a), 0)).toEqual([]);
  });

  it('derives rounds and intervals from an old raw.json that has only every round samples', () => {
    const dir = join(scratch, 'old');
    mkdirSync(dir, { recursive: true });
    const round = (ms: number) => ({ wallMs: 100, completed: 10, samplesMs: Array(10).fill(ms) });
    const old = (impl: string, ms: number[]) => ({
      case: 'getProduct',
      labels: {},
      impl,
      concurrency: 1,
      stats: { samples: 30, mean: 1, p50: 1, p99: 1, opsPerSec: 1000 },
      rate: null,
      ratioToPg: 1,
      counts: null,
      observed: {},
      rounds: ms.map(round),
    });
    writeFileSync(
      join(dir, 'raw.json'),
      JSON.stringify({
        scenarios: [{ scenario: 'point-read', results: [old('pg', [1, 2, 4]), old('knex', [2, 2, 4])] }],
      }),
    );
    const run = loadRun(dir);
    expect(run.derived).toBe(true);
    const knex = run.results.find((r) => r.impl === 'knex')!;
    expect(knex.roundOpsPerSec).toEqual([500, 500, 250]);
    expect(knex).toMatchObject({ ratioToPg: 1, ratioToPgInterval: [1, 2] });
    expect(knex.confidence).toBeCloseTo(0.75, 12);
  });
});

describe('pnpm bench:compare', () => {
  it('prints both runs side by side and the closing line; exit 0, or 1 with --fail-above', async () => {
    writeRun('cli-a', { kysely, drizzle });
    writeRun('cli-b', { kysely: times(kysely, 1 / 1.3), drizzle });
    const ok = await compareCli(['cli-a', 'cli-b']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/kysely .*1\.20× \(1\.1\d–1\.2\d\) .*1\.56× \(1\.\d\d–1\.\d\d\) +\+30% +worse/);
    expect(ok.stdout).toContain("× pg inside the other run's interval: 1 of 2 (50%) of A's in B's");
    expect(ok.stdout).toMatch(/median half-width of the × pg intervals: A ±\d+\.\d%, B ±\d+\.\d%/);
    expect(ok.stdout.trimEnd().split('\n').at(-1)).toBe(
      '1 of 2 ratios agree within 10%; 1 changed significantly',
    );
    const failing = await compareCli(['cli-a', 'cli-b', '--fail-above', '20']);
    expect(failing.code).toBe(1);
    expect(errorLines(failing.stderr).at(-1)).toMatch(
      /1 × pg ratio\(s\) significantly worse by more than 20%: point-read \/ getProduct \/ kysely 1\.20× -> 1\.56×/,
    );
    expect((await compareCli(['cli-a', 'cli-b', '--fail-above=35'])).code).toBe(0);
  }, 60_000);

  it('says in one line what is wrong with a bad path, a directory that is not a run, or bad flags', async () => {
    mkdirSync(join(scratch, 'empty'), { recursive: true });
    writeFileSync(join(scratch, 'not-json.json'), 'nope');
    for (const [args, message] of [
      [['cli-a', 'missing'], /missing: no such file or directory$/],
      [['cli-a', 'empty'], /empty is not a benchmark run: it has no raw.json$/],
      [['cli-a', 'not-json.json'], /raw.json: .*not-json.json is not valid JSON/],
      [['cli-a'], /expected two runs to compare, got 1/],
      [['cli-a', 'cli-b', '--fail-above', 'x'], /--fail-above takes a percentage >= 0, got 'x'/],
    ] as const) {
      const r = await compareCli([...args]);
      expect(r.code).toBe(1);
      const lines = errorLines(r.stderr);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^pnpm bench:compare: /);
      expect(lines[0]).toMatch(message);
      expect(r.stdout).toBe('');
    }
  }, 60_000);
});
