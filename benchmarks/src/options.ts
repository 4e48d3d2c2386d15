import { resolve } from 'node:path';
import { SCALES, type Scale } from '@dal/db';
import { cac } from 'cac';
import { UsageError } from './errors';
import { PROFILES, type Profile } from './profile';
import { IMPLEMENTATIONS, REFERENCE_ID } from './registry';
import { SCENARIO_IDS, type ScenarioId } from './scenarios/ids';

export interface RunOptions {
  scenarios: ScenarioId[];
  /** Implementation ids in registry order; raw pg is always first (the reference). */
  impls: string[];
  profile: Profile;
  scale: Scale;
  poolSize: number;
  latencyMs: number;
  /** Results directory; null = benchmarks/results/<date>-<sha>/. */
  outDir: string | null;
}

export type ParsedArgs = { kind: 'help'; text: string } | { kind: 'run'; options: RunOptions };

export const DEFAULT_POOL_SIZE = 10;

/** `--x a --x b,c` -> ['a', 'b', 'c']; `--x` with no value is a usage error (cac would give `true`). */
function list(name: string, value: unknown): string[] {
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  if (values.some((v) => v === true || v === '')) throw new UsageError(`--${name} needs a value`);
  return values
    .flatMap((v) => String(v).split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}

function single(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) throw new UsageError(`--${name} given more than once`);
  if (value === true || value === '') throw new UsageError(`--${name} needs a value`);
  return String(value);
}

function choose<T extends string>(kind: string, given: string[], known: readonly T[]): T[] {
  for (const name of given) {
    if (!known.includes(name as T)) {
      throw new UsageError(`unknown ${kind} "${name}" (known: ${known.join(', ')})`);
    }
  }
  return known.filter((name) => given.includes(name));
}

function number(name: string, text: string, min: number, max: number, whole: boolean): number {
  const value = Number(text);
  if (/^-\d+(\.\d+)?$/.test(text) || value < min) {
    throw new UsageError(`--${name} must be at least ${min}, got "${text}"`);
  }
  if (!(whole ? /^\d+$/ : /^\d+(\.\d+)?$/).test(text) || value > max) {
    throw new UsageError(
      `--${name} must be a ${whole ? 'whole ' : ''}number from ${min} to ${max}, got "${text}"`,
    );
  }
  return value;
}

function build() {
  const cli = cac('pnpm bench');
  cli
    .usage(
      '[--quick] [--scenario <id>] [--impl <id>] [--scale <scale>] [--pool <size>] [--latency <ms>] [--out <dir>]',
    )
    .option('--scenario <id>', `Scenario to run, repeatable or comma list (${SCENARIO_IDS.join(', ')})`)
    .option(
      '--impl <id>',
      `Implementation to run, repeatable or comma list (${IMPLEMENTATIONS.map((i) => i.id).join(', ')}); raw pg always runs as the reference`,
    )
    .option('--quick', 'Short time budgets, the quick dataset, fewer pool sizes (a few minutes)')
    .option(
      '--scale <scale>',
      'Dataset scale: test | quick | default (default: default, or quick with --quick)',
    )
    .option('--pool <size>', `Pool size of every implementation (default: ${DEFAULT_POOL_SIZE})`)
    .option(
      '--latency <ms>',
      'Route every connection through a proxy adding this round-trip time; keeps every core busy at the lowest priority meanwhile (default: 0)',
    )
    .option('--out <dir>', 'Results directory (default: benchmarks/results/<date>-<git sha>/)');
  cli.help();
  return cli;
}

/**
 * `--latency -1` as `--latency=-1`: cac (mri) reads a value that starts with a dash as another flag and
 * reports `Unknown option \`-1\``; joined, the number reaches the range check, which says what is allowed.
 */
function joinNegativeValues(args: readonly string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const next = args[i + 1];
    if (/^--[a-z]+$/.test(args[i]!) && next !== undefined && /^-\d/.test(next)) {
      joined.push(`${args[i]}=${next}`);
      i++;
    } else {
      joined.push(args[i]!);
    }
  }
  return joined;
}

/** Parses the command line (without node and script); throws UsageError with a one-line message. */
export function parseArgs(args: readonly string[]): ParsedArgs {
  const cli = build();
  let help = '';
  const log = console.info;
  try {
    // cac prints help through console.info; capture it so the caller decides where it goes
    console.info = (...parts: unknown[]) => {
      help += `${parts.join(' ')}\n`;
    };
    cli.parse(['node', 'bench', ...joinNegativeValues(args)], { run: false });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  } finally {
    console.info = log;
  }
  if (cli.options.help) return { kind: 'help', text: help };
  try {
    cli.globalCommand.checkUnknownOptions();
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (cli.args.length > 0) throw new UsageError(`unexpected argument "${cli.args[0]}" (see --help)`);
  const o = cli.options;

  const scenarioNames = list('scenario', o.scenario);
  const scenarios = scenarioNames.length
    ? choose('scenario', scenarioNames, SCENARIO_IDS)
    : [...SCENARIO_IDS];
  const known = IMPLEMENTATIONS.map((i) => i.id);
  const implNames = list('impl', o.impl);
  const impls = implNames.length ? choose('implementation', [REFERENCE_ID, ...implNames], known) : known;

  const quick = o.quick === true;
  if (o.quick !== undefined && typeof o.quick !== 'boolean') throw new UsageError('--quick takes no value');
  const scaleText = single('scale', o.scale) ?? (quick ? 'quick' : 'default');
  const scale = choose('scale', [scaleText], Object.keys(SCALES) as Scale[])[0]!;
  const pool = single('pool', o.pool);
  const latency = single('latency', o.latency);
  const out = single('out', o.out);

  return {
    kind: 'run',
    options: {
      scenarios,
      impls,
      profile: PROFILES[quick ? 'quick' : 'default'],
      scale,
      poolSize: pool === undefined ? DEFAULT_POOL_SIZE : number('pool', pool, 1, 100, true),
      latencyMs: latency === undefined ? 0 : number('latency', latency, 0, 1000, false),
      // `pnpm bench` from the root runs this in benchmarks/: a relative --out means where the user typed it
      outDir: out === undefined ? null : resolve(process.env.INIT_CWD ?? process.cwd(), out),
    },
  };
}
