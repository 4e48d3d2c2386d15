import { resolve } from 'node:path';
import { compareRuns, formatComparison, worseAbove } from './compare';
import { messageOf, UsageError } from './errors';
import { loadRun } from './run-data';

const PREFIX = 'pnpm bench:compare:';
const USAGE = `Usage: pnpm bench:compare <runA> <runB> [--fail-above <pct>]

Compares two benchmark runs (results directories, or their raw.json): per scenario, case and implementation
both runs' ops/s and × pg with their 95% intervals side by side, whether each changed significantly (the
intervals do not overlap), and how well the × pg ratios agree.

  --fail-above <pct>  exit 1 when a × pg ratio got significantly worse by more than pct percent (for CI)
  --help              this text
`;

export function parseCompareArgs(
  argv: string[],
): { kind: 'help' } | { kind: 'compare'; a: string; b: string; failAbove: number | null } {
  const paths: string[] = [];
  let failAbove: number | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return { kind: 'help' };
    if (arg === '--') continue;
    if (arg === '--fail-above' || arg.startsWith('--fail-above=')) {
      const text = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
      const value = Number(text);
      if (text === undefined || text.trim() === '' || !Number.isFinite(value) || value < 0) {
        throw new UsageError(
          `--fail-above takes a percentage >= 0, got ${text === undefined ? 'nothing' : `'${text}'`}`,
        );
      }
      failAbove = value;
    } else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg} (see --help)`);
    else paths.push(arg);
  }
  if (paths.length !== 2) {
    throw new UsageError(
      `expected two runs to compare, got ${paths.length} (pnpm bench:compare <runA> <runB>)`,
    );
  }
  // pnpm runs the script at the repository root; paths are the user's, relative to where they typed them
  const base = process.env.INIT_CWD ?? process.cwd();
  return { kind: 'compare', a: resolve(base, paths[0]!), b: resolve(base, paths[1]!), failAbove };
}

function main(argv: string[]): number {
  const parsed = parseCompareArgs(argv);
  if (parsed.kind === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const a = loadRun(parsed.a);
  const b = loadRun(parsed.b);
  const comparison = compareRuns(a, b);
  if (comparison.rows.length === 0) {
    throw new UsageError(`${a.dir} and ${b.dir} have no scenario, case and implementation in common`);
  }
  process.stdout.write(`${formatComparison(a, b, comparison)}\n`);
  if (parsed.failAbove !== null) {
    const worse = worseAbove(comparison, parsed.failAbove);
    if (worse.length) {
      process.stderr.write(
        `${PREFIX} ${worse.length} × pg ratio(s) significantly worse by more than ${parsed.failAbove}%: ${worse.map((r) => `${r.key} ${r.a.ratioToPg!.toFixed(2)}× -> ${r.b.ratioToPg!.toFixed(2)}×`).join('; ')}\n`,
      );
      return 1;
    }
  }
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${PREFIX} ${messageOf(error)}\n`);
  if (!(error instanceof UsageError) && process.env.DAL_BENCH_DEBUG && error instanceof Error) {
    process.stderr.write(`${error.stack ?? ''}\n`);
  }
  process.exitCode = 1;
}
