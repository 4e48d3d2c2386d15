import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { childrenOf } from '../src/cpu';
import {
  allowedCpus,
  harnessMainThread,
  parseCpuList,
  placement,
  placeServer,
  splitCpus,
} from '../src/placement';

describe('core placement of single-caller scenarios', () => {
  it('reads CPU lists and halves them, the first half for the harness', () => {
    expect(parseCpuList('0-3,6\n')).toEqual([0, 1, 2, 3, 6]);
    expect(parseCpuList('1')).toEqual([1]);
    expect(() => parseCpuList('0-x')).toThrow('not a CPU list');
    expect(splitCpus([0, 1])).toEqual({ harness: '0', server: '1' });
    expect(splitCpus([0, 1, 2, 3, 6])).toEqual({ harness: '0,1', server: '2,3,6' });
    expect(splitCpus([4])).toBeNull();
  });

  it('says why it does not split', () => {
    expect(placement({ serverPid: 1, latency: true }).reason).toMatch(/--latency/);
    expect(placement({ serverPid: null, latency: false }).reason).toMatch(/external server/);
  });

  const here = placement({ serverPid: process.pid, latency: false });
  // on a one-CPU machine, or one without taskset, there is nothing to place: the reason says which
  it.skipIf(!here.split)(
    `places a server, its children and its later children on the server's half and gives every CPU back; this process's main thread alone on the other half (${here.reason ?? 'split here'})`,
    async () => {
      const split = here.split!;
      const all = allowedCpus(process.pid);
      // a "postmaster" with one child now and one forked after the placement
      const server = spawn('sh', ['-c', 'sleep 30 & sleep 1; sleep 30 & wait'], { stdio: 'ignore' });
      try {
        await sleep(200);
        const restore = placeServer(server.pid!, split);
        const serverCpus = parseCpuList(split.server);
        expect(allowedCpus(server.pid!)).toEqual(serverCpus);
        expect(allowedCpus(process.pid)).toEqual(all);
        await sleep(1500);
        const children = childrenOf(server.pid!);
        expect(children).toHaveLength(2);
        for (const child of children) expect(allowedCpus(child)).toEqual(serverCpus);
        restore();
        expect(allowedCpus(process.pid)).toEqual(all);
        expect(allowedCpus(server.pid!)).toEqual(all);
        for (const child of children) expect(allowedCpus(child)).toEqual(all);
        // the main thread (whose id is the pid) moves, V8's and libuv's other threads keep every CPU
        const others = readdirSync(`/proc/${process.pid}/task`)
          .map(Number)
          .filter((tid) => tid !== process.pid);
        expect(others.length).toBeGreaterThan(0);
        harnessMainThread(split.harness);
        try {
          expect(allowedCpus(process.pid)).toEqual(parseCpuList(split.harness));
          for (const tid of others) expect(allowedCpus(process.pid, tid)).toEqual(all);
        } finally {
          harnessMainThread(all!.join(','));
        }
        expect(allowedCpus(process.pid)).toEqual(all);
      } finally {
        for (const child of childrenOf(server.pid!)) process.kill(child);
        server.kill();
      }
    },
  );
});
