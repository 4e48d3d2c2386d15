import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/errors';
import { parseArgs } from '../src/options';

const run = (args: string[]) => {
  const parsed = parseArgs(args);
  if (parsed.kind !== 'run') throw new Error('expected a run');
  return parsed.options;
};

describe('parseArgs', () => {
  it('runs every scenario and implementation by default, at default scale', () => {
    const o = run([]);
    expect(o.scenarios).toHaveLength(7);
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
});
