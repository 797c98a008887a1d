import { Engine } from '../../sim/engine/engine';
import { Fabric, TransferDone } from '../../sim/hw/fabric';
import { Topology } from '../../sim/cost/topology';
import { testPackage } from '../helpers';

// 1x3 package: links 100 GB/s (2048-byte packet = 20480 ps), 35 ns per hop; DRAM 64 GB/s
// (2048 bytes = 32000 ps), 200 ns, attached to c0_0.
const pkg = testPackage({ grid: [['ws', 'ws', 'ws']], nop: { model: 'link' } });
const topo = new Topology(pkg);
const dram0 = topo.resources.find((r) => r.name === 'dram0')!.index;
const link = (from: string, to: string) => topo.resources.find((r) => r.name === `${from}->${to}`)!.index;

/** Transfer i belongs to job i; all start at 0. */
function run(transfers: { path: readonly number[]; bytes: number }[]) {
  const engine = new Engine();
  const fabric = new Fabric(engine, topo, null, transfers.length);
  const done: number[] = [];
  const sink: TransferDone = { onTransferDone: (token, now) => (done[token] = now) };
  const starter = { onEvent: (_k: number, i: unknown) => fabric.send(transfers[i as number].path, transfers[i as number].bytes, sink, i as number, i as number) };
  transfers.forEach((_t, i) => engine.at(0, starter, 0, i));
  engine.run();
  const byJobAt = (j: number, r: number) => fabric.jobResourceDelayPs.get(j, r);
  return { done, fabric, byJobAt };
}

describe('contention accounting (hand-computed)', () => {
  test('N equal one-packet transfers through one DRAM channel: N x size / bandwidth; the k-th waits k x 32000 ps', () => {
    const N = 4;
    const { done, fabric, byJobAt } = run(Array.from({ length: N }, () => ({ path: [dram0], bytes: 2048 })));
    expect(Math.max(...done)).toBe(N * 32000 + 200000);
    for (let k = 0; k < N; k++) {
      expect(fabric.jobQueueDelayPs[k]).toBe(k * 32000);
      expect(byJobAt(k, dram0)).toBe(k * 32000);
    }
    // 0 + 1 + 2 + 3 packet times, all charged to dram0 and nowhere else.
    expect(fabric.queueDelayPs[dram0]).toBe(6 * 32000);
    expect(fabric.queueDelayPs.reduce((a, b) => a + b, 0)).toBe(6 * 32000);
    expect(fabric.busyPs[dram0]).toBe(N * 32000);
  });

  test('three two-packet transfers interleave A1 B1 C1 A2 B2 C2: 6 x 32000 ps, waits 64000 / 96000 / 128000 ps', () => {
    // A2 arrives at 32000 (when A1 leaves) behind B1 and C1 and starts at 96000 (waits 64000);
    // B1 waits 32000, B2 arrives at 64000 and starts at 128000; C1 waits 64000, C2 arrives at
    // 96000 and starts at 160000.
    const { done, fabric } = run([0, 1, 2].map(() => ({ path: [dram0], bytes: 4096 })));
    expect(Math.max(...done) - 200000).toBe(3 * 4096 * 1000 / 64);
    expect(Array.from(fabric.jobQueueDelayPs)).toEqual([64000, 96000, 128000]);
    expect(fabric.queueDelayPs[dram0]).toBe(288000);
  });

  test('a transfer queueing behind its own packets (the bottleneck) is not contention', () => {
    // Store path c0_1 -> c0_0 -> dram0: packets arrive at DRAM every 20480 ps but leave every 32000.
    const path = topo.dramWritePath(1);
    expect(path).toEqual([link('c0_1', 'c0_0'), dram0]);
    const { done, fabric } = run([{ path, bytes: 5 * 2048 }]);
    expect(done[0]).toBe(topo.transferTimePs(path, 5 * 2048));
    expect(fabric.jobQueueDelayPs[0]).toBe(0);
    expect(fabric.queueDelayPs.every((d) => d === 0)).toBe(true);
  });

  test('two transfers on one link: the second waits one packet time per packet, charged to that link', () => {
    const l = link('c0_0', 'c0_1');
    const { fabric, byJobAt } = run([{ path: [l], bytes: 2 * 2048 }, { path: [l], bytes: 2 * 2048 }]);
    // A1 0-20480, B1 20480-40960 (waits 20480), A2 arrives 20480 starts 40960 (waits 20480),
    // B2 arrives 40960 starts 61440 (waits 20480).
    expect(byJobAt(0, l)).toBe(20480);
    expect(byJobAt(1, l)).toBe(40960);
    expect(fabric.queueDelayPs[l]).toBe(61440);
  });
});
