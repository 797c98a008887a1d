import { Engine } from '../../sim/engine/engine';
import { Packet } from '../../sim/hw/fabric';
import { BankedChannel, QUEUE_WINDOW } from '../../sim/hw/dram-banked';
import { DRAM_PRESETS } from '../../sim/input/dram-presets';
import { parsePackage } from '../../sim/input/package';
import { lowerSchedule } from '../../sim/cost/program';
import { estimateProgram } from '../../sim/cost/estimate';
import { simulate } from '../../sim/hw/replay';
import { InputError } from '../../sim/input/errors';
import { KIND, testPackage, testScenario, testSchedule, testWorkload } from '../helpers';

// DDR4-3200AA (ps): tCK 625, tBurst 2500, tRCD = tRP = tCL = 13750, tCCD_S 2500, tCCD_L 5000,
// tRFC 350000, tREFI 7800000; 4 bank groups x 4 banks, 8 KB rows, 64-byte bursts.
const DDR4 = DRAM_PRESETS['DDR4-3200']();
const T = { burst: 2500, rcd: 13750, rp: 13750, cl: 13750, rfc: 350000, refi: 7800000 };

interface Served { id: number; arrive: number; start: number; end: number; at: number }

/** A channel with a recording fabric; packets are single transfers at given addresses. */
function harness(onServed?: (s: Served, h: ReturnType<typeof harness>) => void) {
  const engine = new Engine();
  const served: Served[] = [];
  const h = {
    engine, served,
    ch: null as unknown as BankedChannel,
    send(id: number, addr: number, bytes: number, write = false, at?: number) {
      const p = { xfer: { bytes, addr, write, id }, hop: 0, bytes, offset: 0 } as unknown as Packet;
      const go = () => h.ch.enqueue(p, engine.nowPs);
      if (at === undefined) go();
      else engine.at(at, { onEvent: go }, 0);
    },
  };
  h.ch = new BankedChannel(DDR4, engine, {
    served: (p, _r, arrive, start, end) => {
      const s = { id: (p.xfer as unknown as { id: number }).id, arrive, start, end, at: engine.nowPs };
      served.push(s);
      onServed?.(s, h);
    },
    accepted: () => undefined,
  }, 0);
  return h;
}

// Address of row `row` in bank 0 of bank group 0: rows are BG x columns x banks bursts apart.
const rowAddr = (row: number) => row * 4 * 128 * 4 * 64;

describe('banked DRAM (DDR4-3200, hand-computed)', () => {
  test('preset numbers: peak 25.6 GB/s; E_act and E_rd from the Micron IDD method', () => {
    expect(DDR4.burstBytes / DDR4.tBurstNs).toBeCloseTo(25.6, 10);
    // tRAS 32.5 ns, tRC = tRAS + tRP = 46.25 ns:
    // 8 devices x 1.2 V x (57 mA x 46.25 ns - 52 x 32.5 - 37 x 13.75) = 8 x 1.2 x 437.5 = 4200 pJ.
    expect(DDR4.activatePj).toBeCloseTo(4200, 6);
    // 8 x 1.2 x (168 - 52) x 2.5 = 2784 pJ per 64-byte read burst.
    expect(DDR4.readBurstPj).toBeCloseTo(2784, 6);
    expect(DDR4.refreshPj).toBeCloseTo(8 * 1.2 * (250 - 52) * 350, 6);
  });

  test('a row-hit stream runs at burst rate: 4096 sequential bytes = tRCD + tCL + 64 x tBurst', () => {
    const h = harness();
    // Two packets of one transfer: bursts rotate over the 4 bank groups (tCCD_S = tBurst);
    // 4 activates (one per bank group), then 60 row hits.
    const p1 = { xfer: { bytes: 4096, addr: 0, write: false }, hop: 0, bytes: 2048, offset: 0 } as unknown as Packet;
    const p2 = { xfer: p1.xfer, hop: 0, bytes: 2048, offset: 2048 } as unknown as Packet;
    h.ch.enqueue(p1, 0);
    h.ch.enqueue(p2, 0);
    h.engine.run();
    expect(h.served.map((s) => s.end)).toEqual([T.rcd + T.cl + 32 * T.burst, T.rcd + T.cl + 64 * T.burst]);
    expect(h.ch.stats.activates).toBe(4);
    expect(h.ch.stats.rowHits).toBe(60);
  });

  test('alternating rows of one bank pay tRP + tRCD each time', () => {
    const rows = [0, 1, 0, 1, 0];
    let next = 1;
    const h = harness((_s, hh) => {
      if (next < rows.length) hh.send(next, rowAddr(rows[next]), 64, false, undefined), next++;
    });
    h.send(0, rowAddr(0), 64);
    h.engine.run();
    const lat = h.served.map((s) => s.end - s.arrive);
    expect(lat[0]).toBe(T.rcd + T.cl + T.burst); // closed bank: ACT, column, data
    for (const l of lat.slice(1)) expect(l).toBe(T.rp + T.rcd + T.cl + T.burst);
    expect(h.ch.stats.activates).toBe(5);
    expect(h.ch.stats.rowHits).toBe(0);
  });

  test('a row miss in another bank opens its row while the current packet transfers (no bubble)', () => {
    const h = harness();
    h.send(0, 0, 2048); // bank 0 of each bank group, row 0: ends 27500 + 32 x 2500 = 107500
    h.send(1, 4 * 128 * 64, 2048); // bank 1 of each bank group: ACT at 63750, ready before its turn
    h.engine.run();
    expect(h.served.map((s) => s.end)).toEqual([107500, 107500 + 32 * T.burst]);
    expect(h.ch.stats.activates).toBe(8);
  });

  test('a refresh stalls the channel for tRFC', () => {
    const h = harness();
    h.send(0, 0, 64, false, T.refi - 100000); // before the refresh is due: no stall
    h.send(1, 0, 64, false, T.refi); // due now: waits for the refresh
    h.engine.run();
    expect(h.served[0].end - h.served[0].arrive).toBe(T.rcd + T.cl + T.burst);
    // Bank 0's row is open from packet 0: precharge all (tRP), refresh (tRFC), then ACT again.
    expect(h.served[1].start).toBe(T.refi + T.rp + T.rfc);
    expect(h.served[1].end).toBe(T.refi + T.rp + T.rfc + T.rcd + T.cl + T.burst);
    expect(h.ch.stats.refreshStalls).toBe(1);
  });

  test('FR-FCFS: a younger row hit goes before an older row miss', () => {
    const h = harness();
    // Packet 0 (2048 bytes, 32 bursts) opens row 0 of bank 0 in every bank group; its last
    // column command is at 13750 + 31 x 2500 = 91250, so the controller takes the next packet
    // at 91250 - tRP - tRCD = 63750, when both others wait.
    h.send(0, rowAddr(0), 2048, false, 0);
    h.send(1, rowAddr(1), 64, false, 1000); // older, misses
    h.send(2, rowAddr(0) + 2048, 64, false, 2000); // younger, hits row 0 (bank group 0, column 8)
    h.engine.run();
    expect(h.served.map((s) => s.id)).toEqual([0, 2, 1]);
    expect(h.served[1].start).toBe(91250 - T.rp - T.rcd);
  });

  test('FR-FCFS over a queue longer than the ring it starts with: 100 waiting packets, rows A B A B ... of one bank', () => {
    const h = harness();
    const rowOf = (id: number) => id % 2;
    for (let id = 0; id < 100; id++) h.send(id, rowAddr(rowOf(id)), 64);
    h.engine.run();
    const order = h.served.map((s) => s.id);
    // By hand: 0 opens row A; each next A is in the first 16 waiting while fewer than 16 B's
    // wait ahead of it, so A's 0, 2, ..., 30 go first, then the window holds only B's 1..31.
    expect(order.slice(0, 17)).toEqual([...Array.from({ length: 16 }, (_, k) => 2 * k), 1]);
    // The whole order is the rule applied to a plain list (oldest row hit in the first 16, else the oldest).
    const waiting = Array.from({ length: 100 }, (_, id) => id);
    const expected: number[] = [];
    let open = -1;
    while (waiting.length) {
      const hit = waiting.slice(0, QUEUE_WINDOW).findIndex((id) => rowOf(id) === open);
      const [id] = waiting.splice(Math.max(0, hit), 1);
      open = rowOf(id);
      expected.push(id);
    }
    expect(order).toEqual(expected);
    expect(h.ch.stats.refreshStalls).toBe(0); // no refresh closed the row in between
  });

  test('FR-FCFS while the ring wraps and grows mid-run: packets keep arriving faster than they are served', () => {
    // Arrivals every 3 ns over three rows of one bank; single-burst packets are served in 5 to
    // 41 ns, so the queue is taken from (its head moves round the 64-slot ring and wraps) while
    // it grows past 64 (the ring doubles with its oldest entry not at slot 0). Every pick is
    // checked against the rule on a plain list, replaying enqueues and picks in the order the
    // channel saw them: the oldest waiting packet in the first QUEUE_WINDOW whose row is the
    // one open (that of the packet picked before: one bank, one burst each), else the oldest.
    const rowOf = (id: number) => (id * 7) % 3;
    const log: [string, number][] = [];
    const engine = new Engine();
    const ch = new BankedChannel(DDR4, engine, {
      served: () => undefined,
      accepted: (p) => log.push(['pick', (p.xfer as unknown as { id: number }).id]),
    }, 0);
    const N = 300;
    for (let id = 0; id < N; id++) {
      const p = { xfer: { bytes: 64, addr: rowAddr(rowOf(id)), write: false, id }, hop: 0, bytes: 64, offset: 0 } as unknown as Packet;
      engine.at(id * 3000, { onEvent: () => { log.push(['enqueue', id]); ch.enqueue(p, engine.nowPs); } }, 0);
    }
    engine.run();
    const waiting: number[] = [];
    let open = -1;
    let maxWaiting = 0;
    let picks = 0;
    for (const [what, id] of log) {
      if (what === 'enqueue') {
        waiting.push(id);
        maxWaiting = Math.max(maxWaiting, waiting.length);
        continue;
      }
      const hit = waiting.slice(0, QUEUE_WINDOW).findIndex((w) => rowOf(w) === open);
      expect(id).toBe(waiting[Math.max(0, hit)]);
      waiting.splice(Math.max(0, hit), 1);
      open = rowOf(id);
      picks++;
    }
    expect(picks).toBe(N);
    expect(maxWaiting).toBeGreaterThan(64); // the ring grew during the run
    // ... after it had been taken from: the first pick came before the 65th arrival.
    const enqueues = log.map(([w], i) => (w === 'enqueue' ? i : -1)).filter((i) => i >= 0);
    expect(log.findIndex(([w]) => w === 'pick')).toBeLessThan(enqueues[64]);
  });

  test('write then read pays the write-to-read turnaround', () => {
    const h = harness();
    h.send(0, 0, 64, true, 0);
    h.send(1, 64 * 4, 64, false, 0); // same bank group 0, same row: a row hit
    h.engine.run();
    // Write: ACT 0, column 13750, data 13750 + CWL 10000 .. +2500 = 26250. Read column at
    // 26250 + tWTR_L 7500 = 33750, data ends 33750 + 13750 + 2500.
    expect(h.served[0].end).toBe(26250);
    expect(h.served[1].end).toBe(33750 + 13750 + 2500);
  });
});

describe.each(Object.keys(DRAM_PRESETS))('preset %s', (name) => {
  test('a 4096-byte sequential read streams at burst rate after one activate per bank group', () => {
    const spec = DRAM_PRESETS[name]();
    const engine = new Engine();
    const ends: number[] = [];
    const ch = new BankedChannel(spec, engine, { served: (_p, _r, _a, _s, end) => ends.push(end), accepted: () => undefined }, 0);
    const x = { bytes: 4096, addr: 0, write: false };
    for (let off = 0; off < 4096; off += 2048) ch.enqueue({ xfer: x, hop: 0, bytes: 2048, offset: off } as unknown as Packet, 0);
    engine.run();
    const ps = (ns: number) => Math.round(ns * 1000);
    const bursts = 4096 / spec.burstBytes;
    // All bank groups activate at 0; columns tCCD_S <= tBurst apart keep the data bus full.
    expect(ends[1]).toBe(ps(spec.tRcdNs) + ps(spec.tClNs) + bursts * ps(spec.tBurstNs));
    expect(ch.stats.activates).toBe(spec.bankGroups);
    expect(ch.stats.rowHits).toBe(bursts - spec.bankGroups);
  });
});

const ATTN = { op: 'fc', inFeatures: 512, outFeatures: 512 };

function bankedPackage(extra: Record<string, unknown> = {}) {
  return parsePackage('banked.json', {
    schema: 'mcmsim/package@1', name: 'banked', kinds: { ws: KIND }, grid: [['ws', 'ws']],
    nop: { linkBandwidthGBps: 100, hopLatencyNs: 35, energyPjPerBit: 2 },
    dram: { model: 'banked', preset: 'DDR4-3200', latencyNs: 50, energyPjPerBit: 15, channels: [[0, 0]], ...extra },
  });
}

describe('banked DRAM in a package', () => {
  test('loads by name; bandwidth defaults to the preset peak; the run completes and counts DRAM energy by command', async () => {
    const pkg = bankedPackage();
    expect(pkg.dram.model).toBe('banked');
    expect(pkg.dram.channelBandwidthGBps).toBeCloseTo(25.6, 10);
    const w = testWorkload('m', [{ name: 'a', ...ATTN }, { name: 'b', ...ATTN, inputs: ['a'] }]);
    const prog = lowerSchedule(testSchedule([{ layer: 'm/a', chiplet: 'c0_0' }, { layer: 'm/b', chiplet: 'c0_1' }]), testScenario([{ workload: w, batch: 4 }]), pkg);
    const sim = await simulate(prog);
    const est = estimateProgram(prog);
    expect(sim.jobs.every((j) => j.endPs > j.startPs)).toBe(true);
    expect(sim.contention.dram!.activates).toBeGreaterThan(0);
    expect(sim.contention.dram!.readBursts).toBeGreaterThan(0);
    expect(sim.energy.dramPj).not.toBe(est.energy.dramPj);
    expect(sim.energy.dynamicPj - sim.energy.dramPj).toBeCloseTo(est.energy.dynamicPj - est.energy.dramPj, 6);
    const again = await simulate(prog);
    expect(again.fingerprint).toBe(sim.fingerprint);
  });

  test('LPDDR5-6400 has no cited IDD table: its burst energy is the package pJ/bit x 32 bytes', () => {
    const pkg = bankedPackage({ preset: 'LPDDR5-6400' });
    expect(pkg.dram.banked!.readBurstPj).toBe(32 * 8 * 15);
    expect(pkg.dram.banked!.writeBurstPj).toBe(32 * 8 * 15);
    expect(pkg.dram.channelBandwidthGBps).toBeCloseTo(12.8, 10);
  });

  test('"model": "channel" is the default: same result, same fingerprint', async () => {
    const w = testWorkload('m', [{ name: 'a', ...ATTN }]);
    const sched = testSchedule([{ layer: 'm/a', chiplet: 'c0_0' }]);
    const sc = testScenario([{ workload: w, batch: 2 }]);
    const plain = testPackage();
    const named = parsePackage('p.json', {
      schema: 'mcmsim/package@1', name: 'test', kinds: { ws: { ...KIND } }, grid: [['ws']],
      nop: { linkBandwidthGBps: 100, hopLatencyNs: 35, energyPjPerBit: 2, packetBytes: 2048 },
      dram: { model: 'channel', channelBandwidthGBps: 64, latencyNs: 200, energyPjPerBit: 15, channels: [[0, 0]] },
    });
    const a = await simulate(lowerSchedule(sched, sc, plain));
    const b = await simulate(lowerSchedule(sched, sc, named));
    expect(b.fingerprint).toBe(a.fingerprint);
    expect(b.energy).toEqual(a.energy);
  });

  test('bad DRAM fields name the file and field', () => {
    expect(() => bankedPackage({ preset: 'DDR9' })).toThrow(/banked\.json: dram\.preset: .*DDR4-3200/);
    expect(() => bankedPackage({ model: 'magic' })).toThrow(InputError);
    expect(() => bankedPackage({ model: 'magic' })).toThrow(/dram\.model/);
    expect(() => parsePackage('x.json', {
      schema: 'mcmsim/package@1', name: 'x', kinds: { ws: KIND }, grid: [['ws']],
      nop: { linkBandwidthGBps: 100, hopLatencyNs: 35, energyPjPerBit: 2 },
      dram: { model: 'banked', latencyNs: 50, energyPjPerBit: 15, channels: [[0, 0]] },
    })).toThrow(/x\.json: dram\.preset: missing required field/);
  });
});
