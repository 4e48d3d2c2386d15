import { describe, expect, it } from 'vitest';
import { withTask } from '../src/runner';
import type { TaskSpec } from '../src/scenario';

function recording(): { spec: TaskSpec; calls: string[] } {
  const calls: string[] = [];
  const spec: TaskSpec = {
    acquire: async () => void calls.push('acquire'),
    open: async (round) => void calls.push(`open ${round}`),
    run: async () => undefined,
    check: async () => undefined,
    close: async () => void calls.push('close'),
    release: async () => {
      calls.push('release');
      return { 'server connections': { max: 8 } };
    },
  };
  return { spec, calls };
}

describe('withTask', () => {
  it('acquires, opens, closes and releases around the call, also when no one asks what release saw', async () => {
    const { spec, calls } = recording();
    expect(await withTask(spec, 3, async () => calls.push('fn'))).toBe(3);
    expect(calls).toEqual(['acquire', 'open 3', 'fn', 'close', 'release']);
  });

  it('releases after a failing call and passes on what release saw', async () => {
    const { spec, calls } = recording();
    const seen: unknown[] = [];
    await expect(
      withTask(spec, 1, () => Promise.reject(new Error('boom')), { released: (s) => seen.push(s) }),
    ).rejects.toThrow('boom');
    expect(calls).toEqual(['acquire', 'open 1', 'close', 'release']);
    expect(seen).toEqual([{ 'server connections': { max: 8 } }]);
  });

  it('leaves acquire and release to the caller when the task is held', async () => {
    const { spec, calls } = recording();
    await withTask(spec, 2, async () => calls.push('fn'), { held: true });
    expect(calls).toEqual(['open 2', 'fn', 'close']);
  });
});
