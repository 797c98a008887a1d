/**
 * The router NoP against BookSim2 (test/fixtures/nop/NOTE.md: repository, commit, settings):
 * `traffic` runs each pattern's requests (test/fixtures/nop/requests/*.jsonl, or
 * scripts/nop-patterns.ts for the random ones) and each figure is held to the issue's band
 * around BookSim2's figure for the same traffic (test/fixtures/nop/booksim2.json).
 */
import * as fs from 'fs';
import * as path from 'path';
import { parsePackage } from '../../sim/input/package';
import { parseRequests } from '../../sim/input/requests';
import { runTraffic, TrafficResult } from '../../sim/hw/traffic';
import { jsonl, pattern, UNIFORM, CYCLE_NS, PACKET_BYTES } from '../../scripts/nop-patterns';
import { KIND } from '../helpers';

const DIR = path.join(__dirname, '..', 'fixtures', 'nop');
const booksim = JSON.parse(fs.readFileSync(path.join(DIR, 'booksim2.json'), 'utf8')) as {
  cycleNs: number;
  patterns: Record<string, { batchCycles?: number; packetLatencyCycles?: number; acceptedFlitsPerCyclePerNode?: number }>;
};

/** The package the BookSim2 runs model: 3x3, 100 GB/s, 35 ns per hop, 2 KiB packets, router defaults. */
const pkgOf = (nop: object = {}) =>
  parsePackage('mesh3.json', {
    schema: 'mcmsim/package@1',
    name: 'mesh3',
    kinds: { ws: KIND },
    grid: [['ws', 'ws', 'ws'], ['ws', 'ws', 'ws'], ['ws', 'ws', 'ws']],
    nop: { linkBandwidthGBps: 100, hopLatencyNs: 35, energyPjPerBit: 2, packetBytes: 2048, ...nop },
    dram: { channelBandwidthGBps: 64, latencyNs: 200, energyPjPerBit: 15, channels: [[0, 0]] },
  });

function run(name: string, nop: object = {}): TrafficResult {
  const pkg = pkgOf(nop);
  const file = path.join(DIR, 'requests', `${name}.jsonl`);
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : jsonl(pattern(name));
  return runTraffic(pkg, parseRequests(file, text, pkg));
}

const ns = (cycles: number) => cycles * booksim.cycleNs;

describe('router NoP vs BookSim2 (mcmsim / BookSim2 within the issue #26 bands)', () => {
  test('the committed request files are what scripts/nop-patterns.ts generates', () => {
    for (const f of fs.readdirSync(path.join(DIR, 'requests'))) {
      expect(fs.readFileSync(path.join(DIR, 'requests', f), 'utf8')).toBe(jsonl(pattern(f.replace(/\.jsonl$/, ''))));
    }
    expect(booksim.cycleNs).toBe(CYCLE_NS);
  });

  test('lone 2 KiB packet over 2 hops: latency within 10 %', () => {
    const r = run('lone');
    // Cut-through: 2 x 35 ns + 2048 B / 100 GB/s, each way.
    expect(r.latencyNs.mean).toBeCloseTo(90.48, 6);
    const ratio = r.latencyNs.mean / ns(booksim.patterns.lone.packetLatencyCycles!);
    expect(ratio).toBeGreaterThan(0.9);
    expect(ratio).toBeLessThan(1.1);
  });

  test.each([
    ['mib', 0.05],
    ['twoflows', 0.05],
    ['hotspot', 0.1],
  ])('%s: completion time within %s', (name, tol) => {
    const r = run(name);
    const ratio = r.endNs / ns(booksim.patterns[name].batchCycles!);
    expect(ratio).toBeGreaterThan(1 - tol);
    expect(ratio).toBeLessThan(1 + tol);
  });

  test('hotspot: the ejection port, not the links, sets the time (8 x 256 KiB at 100 GB/s)', () => {
    const r = run('hotspot');
    const ej = r.resources.find((x) => x.name === 'c1_1.ej')!;
    expect(ej.bytes).toBe(8 * 256 * 1024);
    expect(r.endNs).toBeGreaterThan((8 * 256 * 1024) / 100);
    expect(ej.utilization).toBeGreaterThan(0.99);
  });

  test('1 MiB with 16-flit (1 KiB) router buffers: throughput within [0.7, 1.4], credit-limited well below link rate', () => {
    const r = run('smallbuf', { bufferBytes: 1024 });
    const ratio = ns(booksim.patterns.smallbuf.batchCycles!) / r.endNs;
    expect(ratio).toBeGreaterThan(0.7);
    expect(ratio).toBeLessThan(1.4);
    // 1 KiB per credit round trip (2 x 35 ns): about 14.6 GB/s, not 100.
    expect(r.bandwidthGBps / 2).toBeLessThan(20);
  });

  test('uniform random traffic at 80 % of saturation: mean latency within [0.7, 1.4]; at 90 % it is higher', () => {
    const r80 = run('uniform80');
    const ratio = r80.latencyNs.mean / ns(booksim.patterns.uniform80.packetLatencyCycles!);
    expect(ratio).toBeGreaterThan(0.7);
    expect(ratio).toBeLessThan(1.4);
    const r90 = run('uniform90');
    expect(r90.latencyNs.mean).toBeGreaterThan(r80.latencyNs.mean);
  });

  test('saturation throughput (accepted at 0.9 flits/cycle/node offered) within 15 %', () => {
    const r = run('saturation');
    // Accepted: bytes of the requests done in the last two thirds of the injection window, as
    // BookSim2 counts flits ejected in its measurement period after warm-up.
    const endPs = UNIFORM.saturation.cycles * CYCLE_NS * 1000;
    const fromPs = endPs / 3;
    let bytes = 0;
    r.donePs.forEach((t) => {
      if (t >= fromPs && t < endPs) bytes += PACKET_BYTES;
    });
    const flitsPerCyclePerNode = (bytes / 64 / ((endPs - fromPs) / 1000 / CYCLE_NS)) / 9;
    const ratio = flitsPerCyclePerNode / booksim.patterns.saturation.acceptedFlitsPerCyclePerNode!;
    expect(ratio).toBeGreaterThan(0.85);
    expect(ratio).toBeLessThan(1.15);
  });
});
