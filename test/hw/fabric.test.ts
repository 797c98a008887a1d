import { Engine } from '../../sim/engine/engine';
import { Fabric, TransferDone } from '../../sim/hw/fabric';
import { Topology } from '../../sim/cost/topology';
import { testPackage } from '../helpers';

// 1x3 package: links 100 GB/s (2048-byte packet = 20480 ps), 35 ns per hop; DRAM 64 GB/s
// (2048 bytes = 32000 ps), 200 ns, attached to c0_0.
const pkg = testPackage({ grid: [['ws', 'ws', 'ws']], nop: { model: 'link' } });
const topo = new Topology(pkg);
const link = (from: string, to: string) => topo.resources.find((r) => r.name === `${from}->${to}`)!.index;

function run(transfers: { path: readonly number[]; bytes: number; at?: number }[]) {
  const engine = new Engine();
  const fabric = new Fabric(engine, topo, null);
  const done: number[] = [];
  const sink: TransferDone = { onTransferDone: (token, now) => (done[token] = now) };
  const starter = { onEvent: (_k: number, i: unknown) => fabric.send(transfers[i as number].path, transfers[i as number].bytes, sink, i as number, 0) };
  transfers.forEach((t, i) => engine.at(t.at ?? 0, starter, 0, i));
  engine.run();
  return { done, fabric };
}

describe('NoP and DRAM transfers (hand-computed)', () => {
  test('one transfer over one link: 5 packets * 20480 ps + 35000 ps = 137400 ps', () => {
    const path = [link('c0_0', 'c0_1')];
    const { done, fabric } = run([{ path, bytes: 5 * 2048 }]);
    expect(done[0]).toBe(137400);
    expect(topo.transferTimePs(path, 5 * 2048)).toBe(137400);
    expect(fabric.bytes[path[0]]).toBe(10240);
    expect(fabric.busyPs[path[0]]).toBe(5 * 20480);
  });
  test('two transfers sharing the link interleave: serialisation doubles (102400 -> 204800 ps)', () => {
    const path = [link('c0_0', 'c0_1')];
    const { done } = run([{ path, bytes: 10240 }, { path, bytes: 10240 }]);
    // Packets alternate A B A B ...: A's 5th packet is the 9th served, B's the 10th.
    expect(done[0]).toBe(9 * 20480 + 35000);
    expect(done[1]).toBe(10 * 20480 + 35000);
    expect(done[1] - 35000).toBe(2 * (137400 - 35000));
  });
  test('transfers on disjoint links do not interfere', () => {
    const { done } = run([{ path: [link('c0_0', 'c0_1')], bytes: 10240 }, { path: [link('c0_1', 'c0_2')], bytes: 10240 }]);
    expect(done).toEqual([137400, 137400]);
  });
  test('DRAM then two hops with a short last packet: simulator equals the closed form', () => {
    // 5000 bytes = 2 full packets + 904 bytes. DRAM (32000 ps/packet, 14125 ps for 904 B)
    // is the bottleneck; links take 20480 (9040 for 904 B).
    const path = [...topo.dramReadPath(2)];
    expect(path.length).toBe(3);
    const { done } = run([{ path, bytes: 5000 }]);
    // Packet 2 leaves DRAM at 64000, link 1 at 264000 + 20480 = 284480, link 2 at
    // 284480 + 35000 + 20480 = 339960. The last packet leaves DRAM at 64000 + 14125 = 78125,
    // reaches link 1 at 278125 but waits for packet 2 until 284480, leaves at 293520, reaches
    // link 2 at 328520, waits until 339960, leaves at 349000, arrives 35000 later.
    expect(done[0]).toBe(384000);
    expect(topo.transferTimePs(path, 5000)).toBe(done[0]);
  });
  test('closed form agrees with the simulator for many sizes and paths', () => {
    for (const bytes of [1, 100, 2048, 2049, 7000, 65536, 100001]) {
      for (const path of [topo.route(0, 2), topo.dramReadPath(1), topo.dramWritePath(2), [link('c0_2', 'c0_1')]]) {
        expect(run([{ path, bytes }]).done[0]).toBe(topo.transferTimePs(path, bytes));
      }
    }
  });
  test('XY routing and nearest DRAM channel', () => {
    const p2 = testPackage({ grid: [['ws', 'ws'], ['ws', 'ws']], channels: [[0, 0], [1, 1]] });
    const t2 = new Topology(p2);
    expect(t2.route(0, 3).map((r) => t2.resources[r].name)).toEqual(['c0_0->c0_1', 'c0_1->c1_1']);
    expect(t2.channelFor(1)).toBe(0); // tie (1 hop each): lowest index
    expect(t2.channelFor(3)).toBe(1);
    expect(t2.dramReadPath(2).map((r) => t2.resources[r].name)).toEqual(['dram0', 'c0_0->c1_0']);
  });
});
