/**
 * The command-level DRAM controller (the "banked" model), timed by hand on DDR4-3200
 * (tCK 0.625 ns; tRCD = tRP = tCL = 13.75, tCWL 10, tBurst 2.5, tRAS 32.5, tRC 46.25,
 * tRRD_S 2.5, tRRD_L 5, tFAW 21.25, tWR 15, tRTP 7.5 ns; 4 bank groups x 4 banks, 8 KB rows).
 */
import { Engine } from '../../sim/engine/engine';
import { Packet } from '../../sim/hw/fabric';
import { ControllerChannel } from '../../sim/hw/dram-controller';
import { DRAM_PRESETS } from '../../sim/input/dram-presets';
import { parsePackage } from '../../sim/input/package';
import { BankedDramSpec } from '../../sim/input/types';
import { KIND } from '../helpers';

const DDR4 = DRAM_PRESETS['DDR4-3200']();
const ps = (ns: number) => Math.round(ns * 1000);

/** Address of bank `bank` in bank group `bg`, row `row`, first column (the documented mapping). */
const at = (bg: number, bank: number, row = 0) => 64 * (bg + 4 * 128 * (bank + 4 * row));

function harness(spec: BankedDramSpec = DDR4) {
  const engine = new Engine();
  const served = new Map<number, number>();
  const accepted = new Map<number, number>();
  const id = (p: Packet) => (p.xfer as unknown as { id: number }).id;
  const ch = new ControllerChannel(spec, engine, {
    served: (p, _r, _a, _s, end) => void served.set(id(p), end),
    accepted: (p, now) => void accepted.set(id(p), now),
  }, 0);
  const send = (idn: number, addr: number, opts: { bytes?: number; write?: boolean; atNs?: number } = {}) => {
    const bytes = opts.bytes ?? 64;
    const p = { xfer: { bytes, addr, write: opts.write ?? false, id: idn }, hop: 0, bytes, offset: 0 } as unknown as Packet;
    engine.at(ps(opts.atNs ?? 0), { onEvent: (_k, _a, now) => ch.enqueue(p, now) }, 0);
  };
  return { engine, ch, served, accepted, send };
}

describe('DRAM controller (DDR4-3200, hand-timed)', () => {
  test('a lone read: ACT at 0, RD at tRCD, data tCL later for tBurst', () => {
    const h = harness();
    h.send(0, 0);
    h.engine.run();
    expect(h.served.get(0)).toBe(ps(13.75 + 13.75 + 2.5));
    expect(h.ch.stats).toMatchObject({ activates: 1, rowMisses: 1, rowHits: 0, readBursts: 1 });
  });

  test('a lone write is done when its data has left the bus: tRCD + tCWL + tBurst', () => {
    const h = harness();
    h.send(0, 0, { write: true });
    h.engine.run();
    expect(h.served.get(0)).toBe(ps(13.75 + 10 + 2.5));
  });

  test('two rows of one bank: PRE waits for tRAS, the second ACT comes tRC after the first', () => {
    const h = harness();
    h.send(0, at(0, 0, 0));
    h.send(1, at(0, 0, 1));
    h.engine.run();
    // PRE at max(ACT + tRAS, RD + tRTP) = max(32.5, 21.25); ACT at 46.25 = tRC; RD 60; data 73.75-76.25.
    expect(h.served.get(1)).toBe(ps(46.25 + 13.75 + 13.75 + 2.5));
  });

  test('write recovery: a PRE after a write waits tWR after the write data', () => {
    const h = harness();
    h.send(0, at(0, 0, 0), { write: true });
    h.send(1, at(0, 0, 1), { atNs: 20 }); // after the WR: nothing to give way to
    h.engine.run();
    // WR at 13.75, data ends 26.25; PRE at max(32.5, 26.25 + 15) = 41.25; ACT 55; RD 68.75; data ends 85.
    expect(h.served.get(1)).toBe(ps(85));
  });

  test('tRRD_S and tFAW: the fifth ACT waits for the four-activate window', () => {
    const h = harness();
    // Banks 0 of bank groups 0..3, then bank 1 of bank group 0.
    [at(0, 0), at(1, 0), at(2, 0), at(3, 0), at(0, 1)].forEach((a, i) => h.send(i, a));
    h.engine.run();
    // ACTs at 0, 2.5, 5, 7.5 (tRRD_S); RDs at 13.75, 16.25, 18.75, 21.25.
    for (let i = 0; i < 4; i++) expect(h.served.get(i)).toBe(ps(2.5 * i + 13.75 + 13.75 + 2.5));
    // Fifth ACT: tFAW after the first = 21.25, but the command bus carries the fourth RD then
    // (column commands first), so it goes one clock later, 21.875; its RD at 35.625.
    expect(h.served.get(4)).toBe(ps(21.875 + 13.75 + 13.75 + 2.5));
    expect(h.ch.stats.activates).toBe(5);
  });

  test('FR-FCFS over all queued bursts: row hits of every request go before an older row miss', () => {
    const h = harness();
    h.send(0, at(0, 0, 0)); // opens row 0 of bank 0
    h.send(1, at(0, 0, 1), { atNs: 1 }); // a miss in the same bank
    h.send(2, at(0, 0, 0) + 256, { atNs: 2 }); // hits on row 0 (column 1), younger
    h.send(3, at(0, 0, 0) + 512, { atNs: 3 }); // column 2
    h.engine.run();
    expect(h.served.get(2)!).toBeLessThan(h.served.get(1)!);
    expect(h.served.get(3)!).toBeLessThan(h.served.get(1)!);
    expect(h.ch.stats.rowHits).toBe(2);
  });

  test('back-pressure: a full read queue holds a packet (and its source) until a burst leaves', () => {
    const h = harness({ ...DDR4, readQueueDepth: 2 });
    // Three 64-byte reads to three bank groups at 0: two fit, the third waits for the first RD (13.75 ns).
    [at(0, 0), at(1, 0), at(2, 0)].forEach((a, i) => h.send(i, a));
    h.engine.run();
    expect([h.accepted.get(0), h.accepted.get(1), h.accepted.get(2)]).toEqual([0, 0, ps(13.75)]);
    // Its ACT was not visible before: it goes at 14.375, one clock after that RD on the command bus.
    expect(h.served.get(2)).toBe(ps(14.375 + 13.75 + 13.75 + 2.5));
  });

  test('a 2 KiB packet is split into 32 bursts that stream over the bank groups', () => {
    const h = harness();
    h.send(0, 0, { bytes: 2048 });
    h.engine.run();
    expect(h.served.get(0)).toBe(ps(13.75 + 13.75 + 32 * 2.5));
    expect(h.ch.stats).toMatchObject({ activates: 4, rowHits: 28, readBursts: 32 });
  });

  test('writes served only because no read waited give way to the first read', () => {
    const h = harness();
    h.send(0, at(0, 0), { write: true });
    h.send(1, at(1, 0), { atNs: 1 });
    h.engine.run();
    // The write's ACT goes at 0; the read arrives at 1 ns and goes first: ACT 2.5 (tRRD_S), RD
    // 16.25, data ends 32.5. The write's WR then waits for tRTW after the RD (7.5 ns): 23.75,
    // its data ends 23.75 + tCWL + tBurst = 36.25.
    expect(h.served.get(1)).toBe(ps(32.5));
    expect(h.served.get(0)).toBe(ps(36.25));
  });

  test('a full write queue forces a drain; meanwhile the waiting reads get their rows opened', () => {
    const h = harness({ ...DDR4, writeQueueDepth: 2 });
    for (let i = 1; i <= 4; i++) h.send(i, at(1, 0) + 256 * (i - 1));
    h.send(5, at(0, 0), { write: true });
    h.send(6, at(0, 0) + 256, { write: true });
    h.engine.run();
    // Two writes fill the queue: they drain first (ACT 0, WRs 13.75 and 18.75 = + tCCD_L, data
    // ends 26.25 and 31.25); the reads' ACT goes meanwhile at 2.5. First RD at the write data
    // end + tWTR_S = 33.75, the others tCCD_L apart; the last one's data ends 48.75 + 16.25.
    expect([h.served.get(5), h.served.get(6)]).toEqual([ps(26.25), ps(31.25)]);
    expect(h.served.get(1)).toBe(ps(33.75 + 16.25));
    expect(h.served.get(4)).toBe(ps(48.75 + 16.25));
    expect(h.ch.stats).toMatchObject({ activates: 2, writeQueueMax: 2, readQueueMax: 4 });
  });
});

describe('controller fields in the package', () => {
  const pkg = (extra: Record<string, unknown>) =>
    parsePackage('p.json', {
      schema: 'mcmsim/package@1', name: 'p', kinds: { ws: KIND }, grid: [['ws']],
      nop: { linkBandwidthGBps: 100, hopLatencyNs: 35, energyPjPerBit: 2 },
      dram: { model: 'banked', preset: 'HBM2', latencyNs: 0, energyPjPerBit: 15, channels: [[0, 0]], ...extra },
    });

  test('defaults (DRAMsim3: 32-entry queues, drain from full to empty) and overrides', () => {
    expect(pkg({}).dram.banked).toMatchObject({ readQueueDepth: 32, writeQueueDepth: 32, writeHighWatermark: 1, writeLowWatermark: 0, rowBytes: 2048, dualCommandBus: true });
    expect(pkg({ readQueueDepth: 64, writeHighWatermark: 0.8, writeLowWatermark: 0.2 }).dram.banked).toMatchObject({ readQueueDepth: 64, writeHighWatermark: 0.8, writeLowWatermark: 0.2 });
    expect(pkg({ model: 'banked-packet' }).dram.model).toBe('banked-packet');
  });

  test('bad values name the file and field', () => {
    expect(() => pkg({ readQueueDepth: 0 })).toThrow(/p\.json: dram\.readQueueDepth/);
    expect(() => pkg({ writeHighWatermark: 1.5 })).toThrow(/p\.json: dram\.writeHighWatermark/);
    expect(() => pkg({ writeLowWatermark: 0.9, writeHighWatermark: 0.5 })).toThrow(/p\.json: dram\.writeLowWatermark: .*above writeHighWatermark/);
    expect(() => parsePackage('c.json', {
      schema: 'mcmsim/package@1', name: 'c', kinds: { ws: KIND }, grid: [['ws']],
      nop: { linkBandwidthGBps: 100, hopLatencyNs: 35, energyPjPerBit: 2 },
      dram: { channelBandwidthGBps: 10, latencyNs: 0, energyPjPerBit: 15, channels: [[0, 0]], readQueueDepth: 8 },
    })).toThrow(/c\.json: dram\.readQueueDepth: unknown field/);
  });
});
