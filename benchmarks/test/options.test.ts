import { describe, expect, it } from 'vitest';
import { redactSecrets, UsageError } from '../src/errors';
import { parseArgs } from '../src/options';

const run = (args: string[]) => {
  const parsed = parseArgs(args);
  if (parsed.kind !== 'run') throw new Error('expected a run');
  return parsed.options;
};

describe('parseArgs', () => {
  it('runs every scenario and implementation by default, at default scale', () => {
    const o = run([]);
    expect(o.scenarios).toHaveLength(9);
    // every registered implementation, raw pg (the reference) first
    expect(o.impls).toEqual(
      expect.arrayContaining([
        'pg',
        'kysely',
        'knex',
        'drizzle',
        'prisma',
        'typeorm',
        'postgresjs',
        'mikroorm',
        'sequelize',
      ]),
    );
    expect(o.impls).toHaveLength(9);
    expect(o.impls[0]).toBe('pg');
    expect(o.scale).toBe('default');
    expect(o.profile.name).toBe('default');
    expect(o.latencyMs).toBe(0);
  });

  it('takes repeated flags and comma lists, in report order, with raw pg always included', () => {
    const o = run([
      '--scenario',
      'pooling,n-plus-one',
      '--scenario',
      'pagination',
      '--impl',
      'prisma',
      '--impl',
      'knex',
    ]);
    expect(o.scenarios).toEqual(['n-plus-one', 'pagination', 'pooling']);
    expect(o.impls).toEqual(['pg', 'knex', 'prisma']);
  });

  it('--quick means the quick profile and, unless --scale says otherwise, the quick dataset', () => {
    expect(run(['--quick'])).toMatchObject({ scale: 'quick', profile: { name: 'quick' } });
    expect(run(['--quick', '--scale', 'test'])).toMatchObject({ scale: 'test', profile: { name: 'quick' } });
  });

  it('reads --pool, --latency and --out', () => {
    expect(run(['--pool', '4', '--latency', '2.5', '--out', '/tmp/x'])).toMatchObject({
      poolSize: 4,
      latencyMs: 2.5,
      outDir: '/tmp/x',
    });
  });

  it.each([
    [['--latency', '-1']],
    [['--pool', 'many']],
    [['--scale', 'test', '--scale', 'quick']],
    [['extra']],
  ])('rejects %j', (args) => {
    expect(() => parseArgs(args)).toThrow(UsageError);
  });

  it.each([
    [['--latency', '-1'], /^--latency must be at least 0, got "-1"$/],
    [['--latency=-0.5'], /^--latency must be at least 0, got "-0.5"$/],
    [['--pool', '-4'], /^--pool must be at least 1, got "-4"$/],
    [['--scenario'], /^--scenario needs a value$/],
    [['--impl'], /^--impl needs a value$/],
    [['--scenario', '--quick'], /^--scenario needs a value$/],
    [['--impl', 'pg', '--impl'], /^--impl needs a value$/],
  ])('says what is wrong with %j', (args, message) => {
    expect(() => parseArgs(args)).toThrow(message);
  });
});

describe('redactSecrets', () => {
  it('masks passwords, but not the placeholder of the URL form it shows as an example', () => {
    const text =
      'DATABASE_URL is not a valid postgres:// URL: mysql://bench:***@localhost/x ' +
      '(expected postgres://user:password@host:port/database); tried postgres://bench:s3cret@db:5432/x';
    expect(redactSecrets(text)).toBe(
      'DATABASE_URL is not a valid postgres:// URL: mysql://bench:***@localhost/x ' +
        '(expected postgres://user:password@host:port/database); tried postgres://bench:***@db:5432/x',
    );
  });
});
