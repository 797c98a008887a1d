/**
 * The router NoP (sim/hw/nop-router.ts) on hand-derived cases: cut-through latency, streaming,
 * the ejection port, round robin, credits with small buffers, DRAM terminals, contention
 * charged to router ports, determinism; and the zero-load time the analytical model uses.
 */
import { Engine } from '../../sim/engine/engine';
import { TransferDone } from '../../sim/hw/fabric';
import { createFabric } from '../../sim/hw/nop';
import { Topology } from '../../sim/cost/topology';
import { testPackage } from '../helpers';

// 1x3 package: links 100 GB/s (2048 B = 20480 ps), 35 ns per hop; DRAM 64 GB/s (2048 B = 32000
// ps), 200 ns, at c0_0. Router defaults: 64-byte flits, 8 KiB buffers, one ejection port.
function setup(nop: object = {}) {
  const topo = new Topology(testPackage({ grid: [['ws', 'ws', 'ws']], nop }));
  const res = (name: string) => topo.resources.find((r) => r.name === name)!.index;
  return { topo, res, route: (a: number, b: number) => topo.route(a, b) };
}

function run(topo: Topology, transfers: { path: readonly number[]; bytes: number; at?: number; write?: boolean }[]) {
  const engine = new Engine();
  const fabric = createFabric(engine, topo, null, transfers.length);
  const done: number[] = [];
  const sink: TransferDone = { onTransferDone: (token, now) => (done[token] = now) };
  const starter = {
    onEvent: (_k: number, i: unknown) => {
      const t = transfers[i as number];
      fabric.send(t.path, t.bytes, sink, i as number, i as number, t.write ?? false);
    },
  };
  transfers.forEach((t, i) => engine.at(t.at ?? 0, starter, 0, i));
  engine.run();
  return { done, fabric, events: engine.eventsProcessed };
}

describe('router NoP (hand-computed)', () => {
  test('the package declares it: router by default, ports as resources only then', () => {
    const { topo } = setup();
    expect(topo.pkg.nop).toMatchObject({ model: 'router', flitBytes: 64, bufferBytes: 8192, ejectionPorts: 1 });
    expect(topo.resources.filter((r) => r.kind === 'port').map((r) => r.name)).toEqual(['c0_0.inj', 'c0_0.ej', 'c0_1.inj', 'c0_1.ej', 'c0_2.inj', 'c0_2.ej', 'dram0.inj', 'dram0.ej']);
    expect(setup({ model: 'link' }).topo.resources.some((r) => r.kind === 'port')).toBe(false);
    // DRAM stays the last resource (reports read it there).
    expect(topo.resources[topo.resources.length - 1].kind).toBe('dram');
  });

  test('a lone packet over 2 hops cuts through: 2 x 35 ns + 20.48 ns, not 2 x (35 + 20.48)', () => {
    const { topo, route } = setup();
    const { done } = run(topo, [{ path: route(0, 2), bytes: 2048 }]);
    expect(done[0]).toBe(90480);
    expect(topo.transferTimePs(route(0, 2), 2048)).toBe(90480);
    expect(setup({ model: 'link' }).topo.transferTimePs(route(0, 2), 2048)).toBe(2 * (35000 + 20480));
  });

  test('1 MiB over 2 hops streams at link rate: 70 ns + 512 x 20.48 ns; each link carries it once', () => {
    const { topo, route, res } = setup();
    const { done, fabric } = run(topo, [{ path: route(0, 2), bytes: 1 << 20 }]);
    expect(done[0]).toBe(70000 + 512 * 20480);
    expect(topo.transferTimePs(route(0, 2), 1 << 20)).toBe(done[0]);
    expect(fabric.bytes[res('c0_0->c0_1')]).toBe(1 << 20);
    expect(fabric.busyPs[res('c0_1->c0_2')]).toBe(512 * 20480);
    expect(fabric.bytes[res('c0_2.ej')]).toBe(1 << 20);
    expect(fabric.bytes[res('c0_0.inj')]).toBe(1 << 20);
  });

  test('two packets meeting at one ejection port are served one after the other; the wait is charged to the port', () => {
    const { topo, route, res } = setup();
    const { done, fabric } = run(topo, [{ path: route(0, 1), bytes: 2048 }, { path: route(2, 1), bytes: 2048 }]);
    // Both heads reach c0_1 at 35 ns; the first ejects by 55.48 ns, the second by 75.96 ns.
    expect(done).toEqual([55480, 75960]);
    expect(fabric.queueDelayPs[res('c0_1.ej')]).toBe(20480);
    expect(fabric.jobResourceDelayPs.get(1, res('c0_1.ej'))).toBe(20480);
    expect(fabric.queueDelayPs[res('c0_0->c0_1')] + fabric.queueDelayPs[res('c0_2->c0_1')]).toBe(0);
  });

  test('two ejection ports (nop.ejectionPorts 2) take both at once', () => {
    const { topo, route } = setup({ ejectionPorts: 2 });
    expect(run(topo, [{ path: route(0, 1), bytes: 2048 }, { path: route(2, 1), bytes: 2048 }]).done).toEqual([55480, 55480]);
  });

  test('round robin: two 64 KiB streams into one port alternate packet by packet and end one packet apart', () => {
    const { topo, route } = setup();
    const { done } = run(topo, [{ path: route(0, 1), bytes: 65536 }, { path: route(2, 1), bytes: 65536 }]);
    // 64 packets in all through one port at 20.48 ns each, from 35 ns on.
    expect(Math.max(...done)).toBe(35000 + 64 * 20480);
    expect(Math.abs(done[0] - done[1])).toBe(20480);
  });

  test('credits: with 1 KiB buffers a packet moves 1 KiB per credit round trip (2 x 35 ns)', () => {
    const { topo, route } = setup({ bufferBytes: 1024 });
    // First KiB: 0..10.24 ns on the link, ejected 35..45.24; its credits are back at 70 ns, so
    // the second KiB crosses 70..80.24 and ejects 105..115.24 ns.
    expect(run(topo, [{ path: route(0, 1), bytes: 2048 }]).done[0]).toBe(115240);
    // A long stream: about 1 KiB per 70 ns (14.6 GB/s) instead of 100 GB/s.
    const { done } = run(topo, [{ path: route(0, 2), bytes: 1 << 20 }]);
    const gbps = (1 << 20) / (done[0] / 1000);
    expect(gbps).toBeGreaterThan(13);
    expect(gbps).toBeLessThan(1024 / 70);
  });

  test('DRAM channels are terminals of their chiplet\'s router: a read is injected there, a write ejected', () => {
    const { topo, res } = setup();
    const read = topo.dramReadPath(2);
    const write = topo.dramWritePath(2);
    // DRAM 32 ns + 200 ns, then 2 hops cut through (70 ns + 20.48 ns); a write the other way round.
    const { done, fabric } = run(topo, [{ path: read, bytes: 2048 }, { path: write, bytes: 2048, write: true, at: 1e6 }]);
    expect(done[0]).toBe(322480);
    expect(done[1] - 1e6).toBe(322480);
    expect(topo.transferTimePs(read, 2048)).toBe(322480);
    expect(fabric.bytes[res('dram0.inj')]).toBe(2048);
    expect(fabric.bytes[res('dram0.ej')]).toBe(2048);
    expect(fabric.bytes[res('c0_0.inj')] + fabric.bytes[res('c0_0.ej')]).toBe(0);
  });

  test('same inputs, same events and times', () => {
    const { topo, route } = setup({ bufferBytes: 2048 });
    const ts = [0, 1, 2].flatMap((a) => [0, 1, 2].filter((b) => b !== a).map((b, i) => ({ path: route(a, b), bytes: 5000 * (a + 1) + i * 777, at: 1000 * i })));
    const a = run(topo, ts);
    const b = run(topo, ts);
    expect(b.done).toEqual(a.done);
    expect(b.events).toBe(a.events);
    expect(a.done.every((t) => Number.isFinite(t))).toBe(true);
  });
});
