import { describe, expect, it } from 'vitest';
import { turns } from '../src/runner';

describe('turns', () => {
  it('goes round by round over every case by default, the warm-up round first', () => {
    expect(turns(2, 2, false)).toEqual([
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
      [0, 2],
      [1, 2],
    ]);
  });

  it('runs every round of a case before the next case when case by case', () => {
    expect(turns(2, 2, true)).toEqual([
      [0, 0],
      [0, 1],
      [0, 2],
      [1, 0],
      [1, 1],
      [1, 2],
    ]);
  });

  it('gives every case every round exactly once either way', () => {
    const sorted = (t: Array<[number, number]>) => t.map((x) => x.join()).sort();
    expect(sorted(turns(3, 10, true))).toEqual(sorted(turns(3, 10, false)));
    expect(turns(3, 10, true)).toHaveLength(33);
  });
});
