/**
 * `mcmsim traffic`: requests parsed and checked, paths, completion times derived by hand on the
 * plain models (link FIFOs, channel DRAM), statistics, addresses per stream, the CLI contract.
 * The packages name their NoP and DRAM models where the default could change.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parsePackage } from '../../sim/input/package';
import { parseRequests } from '../../sim/input/requests';
import { percentile, runTraffic } from '../../sim/hw/traffic';
import { InputError } from '../../sim/input/errors';
import { cli } from '../cli/incli';
import { KIND } from '../helpers';

/** A 3x3 mesh, 100 GB/s links, 35 ns per hop, 2 KiB packets; one 64 GB/s DRAM channel at c0_0 (200 ns). */
const PKG_JSON = {
  schema: 'mcmsim/package@1',
  name: 'mesh3',
  kinds: { ws: KIND },
  grid: [['ws', 'ws', 'ws'], ['ws', 'ws', 'ws'], ['ws', 'ws', 'ws']],
  nop: { linkBandwidthGBps: 100, hopLatencyNs: 35, energyPjPerBit: 2, packetBytes: 2048, model: 'link' },
  dram: { channelBandwidthGBps: 64, latencyNs: 200, energyPjPerBit: 15, channels: [[0, 0]] },
};
const pkg = parsePackage('mesh3.json', PKG_JSON);
const lines = (...reqs: object[]) => reqs.map((r) => JSON.stringify(r)).join('\n');
const run = (...reqs: object[]) => runTraffic(pkg, parseRequests('r.jsonl', lines(...reqs), pkg));

describe('traffic replay on the plain models', () => {
  test('a lone 2 KiB packet over 2 hops: (2048 B / 100 GB/s + 35 ns) per hop, stored and forwarded', () => {
    const r = run({ t_ns: 0, src: 'c0_0', dst: 'c0_2', bytes: 2048 });
    // 2048 B at 100 B/ns = 20.48 ns per hop, then 35 ns to the next router: 2 x 55.48 ns.
    expect(r.endNs).toBeCloseTo(110.96, 6);
    expect(r.latencyNs).toEqual({ mean: 110.96, p50: 110.96, p99: 110.96 });
    expect(r.readLatencyNs).toBeNull();
    const used = r.resources.filter((x) => x.bytes > 0).map((x) => [x.name, x.bytes, x.busyNs]);
    expect(used).toEqual([['c0_0->c0_1', 2048, 20.48], ['c0_1->c0_2', 2048, 20.48]]);
    // 2048 B x 2 hops x 8 bit x 2 pJ/bit.
    expect(r.energy).toEqual({ nopPj: 65536, dramPj: 0, totalPj: 65536 });
  });

  test('a DRAM read at the channel\'s own chiplet crosses no link; injection time shifts completion', () => {
    const r = run({ t_ns: 100, src: 'dram0', dst: 'c0_0', bytes: 4096, addr: 0 });
    // 4096 B at 64 B/ns = 64 ns of channel time, then the 200 ns access latency.
    expect(r.endNs).toBeCloseTo(364, 6);
    expect(r.readLatencyNs!.mean).toBeCloseTo(264, 6);
    expect(r.resources.filter((x) => x.bytes > 0).map((x) => x.name)).toEqual(['dram0']);
    expect(r.dram[0]).toMatchObject({ name: 'dram0', requests: 1, readBytes: 4096, writeBytes: 0, rowHitRate: null });
    expect(r.energy.dramPj).toBe(4096 * 8 * 15);
    expect(r.bandwidthGBps).toBeCloseTo(4096 / 364, 9);
  });

  test('a write goes from its chiplet over the XY route into the channel', () => {
    const r = run({ t_ns: 0, src: 'c1_1', dst: 'dram0', bytes: 2048 });
    // c1_1 -> c1_0 -> c0_0 (X first, then Y), then dram0: 2 x (20.48 + 35) + 32 + 200 ns.
    expect(r.endNs).toBeCloseTo(2 * 55.48 + 32 + 200, 6);
    expect(r.resources.filter((x) => x.bytes > 0).map((x) => x.name).sort()).toEqual(['c1_0->c0_0', 'c1_1->c1_0', 'dram0']);
    expect(r.dram[0].writeBytes).toBe(2048);
  });

  test('two flows sharing one link: it is busy back to back, and the second waits', () => {
    const r = run({ t_ns: 0, src: 'c0_0', dst: 'c0_1', bytes: 8192 }, { t_ns: 0, src: 'c0_0', dst: 'c0_2', bytes: 8192 });
    const link = r.resources.find((x) => x.name === 'c0_0->c0_1')!;
    expect(link.bytes).toBe(16384);
    expect(link.busyNs).toBeCloseTo(163.84, 6);
    // The link's 16 KiB end at 163.84 ns; the last packet to c0_2 then crosses one more hop.
    expect(r.endNs).toBeCloseTo(163.84 + 35 + 20.48 + 35, 6);
    expect(link.queueDelayNs).toBeGreaterThan(0);
    expect(link.utilization).toBeCloseTo(163.84 / r.endNs, 9);
  });

  test('same requests, same result; requests given out of time order run in time order', () => {
    const reqs = [{ t_ns: 50, src: 'c2_2', dst: 'c0_0', bytes: 3000 }, { t_ns: 0, src: 'dram0', dst: 'c2_2', bytes: 5000 }, { t_ns: 0, src: 'c0_1', dst: 'c2_1', bytes: 7000 }];
    const a = run(...reqs);
    const b = run(...reqs);
    expect(Array.from(a.donePs)).toEqual(Array.from(b.donePs));
    // Request 0 (injected last, at 50 ns) shares no link with the others: c2_2 -> c2_1 -> c2_0 ->
    // c1_0 -> c0_0, packets of 2048 and 952 B (20.48 and 9.52 ns per hop). The full packet
    // leaves hop i at 20.48 (i + 1) + 35 i; the short one follows at max(its previous hop + 35,
    // the full one's departure) + 9.52: 30, 85.48, 140.96, 196.44 ns, delivered 35 ns later.
    expect((a.donePs[0] - a.injectPs[0]) / 1000).toBeCloseTo(231.44, 6);
    expect(a.requests).toBe(3);
    expect(a.bytes).toBe(15000);
  });
});

describe('percentiles (nearest rank)', () => {
  test('p50 and p99 are values of the set', () => {
    const s = Float64Array.from({ length: 200 }, (_, i) => i + 1);
    expect(percentile(s, 0.5)).toBe(100);
    expect(percentile(s, 0.99)).toBe(198);
    expect(percentile([7], 0.99)).toBe(7);
  });
});

describe('request files', () => {
  test('DRAM requests without addr continue their stream; streams start on 1 MiB boundaries after explicit addresses', () => {
    const r = parseRequests('r.jsonl', lines(
      { t_ns: 0, src: 'dram0', dst: 'c0_0', bytes: 64 },
      { t_ns: 0, src: 'c1_1', dst: 'dram0', bytes: 64 },
      { t_ns: 1, src: 'dram0', dst: 'c0_0', bytes: 64 },
      { t_ns: 1, src: 'dram0', dst: 'c0_1', bytes: 64, addr: 5000 },
      { t_ns: 2, src: 'c0_0', dst: 'c0_1', bytes: 64 },
    ), pkg);
    expect(r.map((x) => x.addr)).toEqual([1 << 20, (1 << 20) * 2, (1 << 20) + 64, 5000, -1]);
    expect(r.map((x) => x.injectPs)).toEqual([0, 0, 1000, 1000, 2000]);
  });

  const bad: [string, string, RegExp][] = [
    ['malformed line', '{"t_ns": 0, "src": "c0_0", "dst": "c0_1", "bytes": 64}\n{"t_ns": 1,', /^r\.jsonl: line 2: not a JSON object/],
    ['unknown field', '{"t_ns": 0, "src": "c0_0", "dst": "c0_1", "bytes": 64, "size": 3}', /line 1\.size: unknown field/],
    ['missing field', '{"t_ns": 0, "src": "c0_0", "dst": "c0_1"}', /line 1\.bytes: missing required field/],
    ['unknown chiplet', '{"t_ns": 0, "src": "c5_0", "dst": "c0_1", "bytes": 64}', /line 1\.src: "c5_0" is neither a chiplet of mesh3 \(c0_0 \.\. c2_2\) nor one of its DRAM channels \(dram0\)/],
    ['negative time', '{"t_ns": -1, "src": "c0_0", "dst": "c0_1", "bytes": 64}', /line 1\.t_ns: must be >= 0/],
    ['zero bytes', '{"t_ns": 0, "src": "c0_0", "dst": "c0_1", "bytes": 0}', /line 1\.bytes: must be >= 1/],
    ['fractional bytes', '{"t_ns": 0, "src": "c0_0", "dst": "c0_1", "bytes": 1.5}', /line 1\.bytes: expected an integer/],
    ['same chiplet', '{"t_ns": 0, "src": "c0_0", "dst": "c0_0", "bytes": 64}', /line 1\.dst: src and dst are the same chiplet/],
    ['DRAM to DRAM', '{"t_ns": 0, "src": "dram0", "dst": "dram0", "bytes": 64}', /line 1: src and dst are both DRAM channels/],
    ['addr on a NoP request', '{"t_ns": 0, "src": "c0_0", "dst": "c0_1", "bytes": 64, "addr": 0}', /line 1\.addr: addr is for DRAM requests/],
    ['not an object', '[1, 2]', /line 1: expected an object/],
    ['empty file', '\n\n', /r\.jsonl: \(top level\): no requests/],
  ];
  test.each(bad)('%s: one line naming file, line and field', (_, text, want) => {
    let err: unknown;
    try {
      parseRequests('r.jsonl', text, pkg);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(want);
    expect((err as Error).message).not.toMatch(/\n/);
  });
});

describe('mcmsim traffic (CLI)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcmsim-traffic-'));
  const pkgFile = path.join(dir, 'mesh3.json');
  fs.writeFileSync(pkgFile, JSON.stringify(PKG_JSON));
  const reqFile = path.join(dir, 'r.jsonl');
  fs.writeFileSync(reqFile, lines({ t_ns: 0, src: 'c0_0', dst: 'c0_2', bytes: 2048 }, { t_ns: 0, src: 'dram0', dst: 'c1_1', bytes: 4096 }) + '\n');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('--json gives the documented fields', async () => {
    const r = await cli('traffic', '--package', pkgFile, '--requests', reqFile, '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    for (const k of ['requests', 'endNs', 'latencyNs', 'readLatencyNs', 'bandwidthGBps', 'resources', 'dram', 'energy']) expect(j).toHaveProperty(k);
    expect(j.requests).toBe(2);
    expect(Object.keys(j.latencyNs)).toEqual(['mean', 'p50', 'p99']);
    expect(j.energy.totalPj).toBe(j.energy.nopPj + j.energy.dramPj);
    expect(j).not.toHaveProperty('donePs');
  });

  test('text output names the file, the end time and the busiest resource', async () => {
    const r = await cli('traffic', '--package', pkgFile, '--requests', reqFile);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/r\.jsonl on mesh3 .*: 2 requests, 6144 bytes/);
    expect(r.out).toMatch(/^dram0 /m);
  });

  test('--trace writes a Perfetto file', async () => {
    const t = path.join(dir, 't.pftrace');
    const r = await cli('traffic', '--package', pkgFile, '--requests', reqFile, '--trace', t, '--quiet');
    expect(r.code).toBe(0);
    expect(fs.statSync(t).size).toBeGreaterThan(100);
  });

  test('a bad line: exit 2, one line naming file and line', async () => {
    const f = path.join(dir, 'bad.jsonl');
    fs.writeFileSync(f, '{"t_ns": 0, "src": "c0_0", "dst": "c9_9", "bytes": 64}\n');
    const r = await cli('traffic', '--package', pkgFile, '--requests', f);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^mcmsim: error: .*bad\.jsonl: line 1\.dst: "c9_9" is neither/);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    const missing = await cli('traffic', '--package', pkgFile, '--requests', path.join(dir, 'nope.jsonl'));
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/nope\.jsonl: .*file not found/);
  });
});
