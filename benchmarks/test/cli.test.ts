import { describe, expect, it } from 'vitest';
import { errorLines, runCli } from './cli-helpers';

describe('pnpm bench: bad input gives one line on stderr and exit code 1', () => {
  it.concurrent.each([
    [
      ['--scenario', 'n-plus-two'],
      /^pnpm bench: unknown scenario "n-plus-two" \(known: n-plus-one, pagination/,
    ],
    [['--impl', 'pg,hibernate'], /^pnpm bench: unknown implementation "hibernate" \(known: pg, kysely/],
    [['--quik'], /^pnpm bench: Unknown option `--quik`$/],
    [['--scale', 'huge'], /^pnpm bench: unknown scale "huge" \(known: test, quick, default\)$/],
    [['--pool', '0'], /^pnpm bench: --pool must be at least 1, got "0"$/],
    [['--latency', '-1'], /^pnpm bench: --latency must be at least 0, got "-1"$/],
    [['--scenario'], /^pnpm bench: --scenario needs a value$/],
    [['--impl', '--quick'], /^pnpm bench: --impl needs a value$/],
    // a regular file where the results directory would go: refused before anything is measured
    [
      ['--out', 'package.json/results'],
      /^pnpm bench: --out \/\S+\/package\.json\/results is not writable \(.*\); nothing was run$/,
    ],
  ])('%j', async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const lines = errorLines(result.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
  });

  it.concurrent('a bad DATABASE_URL, password redacted, the example URL shown as user:password', async () => {
    const result = await runCli(['--impl', 'pg'], { DATABASE_URL: 'mysql://bench:s3cret@localhost/x' });
    expect(result.code).toBe(1);
    const lines = errorLines(result.stderr).filter((l) => l.startsWith('pnpm bench:'));
    expect(lines).toEqual([
      expect.stringMatching(
        /^pnpm bench: DATABASE_URL is not a valid postgres:\/\/ URL: mysql:\/\/bench:\*\*\*@localhost\/x \(expected postgres:\/\/user:password@host:port\/database\)$/,
      ),
    ]);
    expect(result.stderr).not.toContain('s3cret');
  });

  it.concurrent('an unreachable server, password redacted', async () => {
    const result = await runCli(['--impl', 'pg'], { DATABASE_URL: 'postgres://bench:s3cret@127.0.0.1:1/x' });
    expect(result.code).toBe(1);
    const lines = errorLines(result.stderr).filter((l) => l.startsWith('pnpm bench:'));
    expect(lines).toEqual([
      expect.stringMatching(
        /^pnpm bench: cannot connect to PostgreSQL at postgres:\/\/bench:\*\*\*@127\.0\.0\.1:1\/x/,
      ),
    ]);
    expect(result.stderr).not.toContain('s3cret');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it.concurrent('--help prints the flags and exits 0', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    for (const flag of ['--scenario', '--impl', '--quick', '--scale', '--pool', '--latency', '--out']) {
      expect(result.stdout).toContain(flag);
    }
  });
});
