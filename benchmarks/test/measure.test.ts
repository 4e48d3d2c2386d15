import { setTimeout as sleep } from 'node:timers/promises';
import { expect, test } from 'vitest';
import { measure } from '../src/measure';
import { PROFILES } from '../src/profile';

// budgets far below one call's 5 ms: the iteration minimums alone decide how many calls run
const profile = { ...PROFILES.default, time: 1, warmupTime: 1, iterations: 3, warmupIterations: 2 };
const slowTask = () => {
  const task = {
    calls: 0,
    run: async () => {
      task.calls++;
      await sleep(5);
    },
  };
  return task;
};

test("a task warms up with the profile's iterations and then times at least as many as the profile says", async () => {
  const task = slowTask();
  const phase = await measure(task, profile);
  expect(phase.completed).toBe(3);
  expect(phase.total).toBe(5);
  expect(task.calls).toBe(5);
  expect(phase.samples).toHaveLength(3);
});

test('a task that lowers its own iterations (a slow bulk insert) gets as few warm-up calls', async () => {
  const task = { ...slowTask(), iterations: 1 };
  const phase = await measure(task, profile);
  expect(phase.completed).toBe(1);
  expect(phase.total).toBe(2);
});

test('no warm-up budget, no warm-up call', async () => {
  const task = { ...slowTask(), iterations: 1 };
  const phase = await measure(task, { ...profile, warmupTime: 0, warmupIterations: 0 });
  expect(phase.total).toBe(phase.completed);
});

test('afterWarmUp runs once, after the last warm-up call and before the first timed one', async () => {
  const task = slowTask();
  let callsBefore = -1;
  const phase = await measure(task, profile, undefined, async () => {
    callsBefore = task.calls;
  });
  expect(callsBefore).toBe(phase.total - phase.completed);
  expect(callsBefore).toBe(2);
});
