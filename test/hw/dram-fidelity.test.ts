/**
 * The banked DRAM model against DRAMsim3 (test/fixtures/dram/NOTE.md): each pattern of
 * scripts/gen-dram-patterns.ts is written as traffic JSONL, replayed by the traffic runner on a
 * single-channel package, and held to issue #26's bands against DRAMsim3's figures for the same
 * requests (reference.json). README's "DRAM fidelity" table lists the ratios.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadPackage } from '../../sim/input/package';
import { loadRequests } from '../../sim/input/requests';
import { runTraffic, TrafficResult } from '../../sim/hw/traffic';
import { DEVICES, Figures, patterns, toJsonl } from '../../scripts/gen-dram-patterns';

const FIX = path.join(__dirname, '..', 'fixtures', 'dram');
const reference = JSON.parse(fs.readFileSync(path.join(FIX, 'reference.json'), 'utf8')) as Record<string, Record<string, Figures>>;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dram-fidelity-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Bands of issue #26: [low, high] for mcmsim / DRAMsim3. */
const WITHIN = (f: number): [number, number] => [1 - f, 1 + f];
const expectRatio = (label: string, mine: number, ref: number, [lo, hi]: [number, number]) => {
  const r = mine / ref;
  if (!(r >= lo && r <= hi)) throw new Error(`${label}: mcmsim ${mine.toFixed(3)} / DRAMsim3 ${ref.toFixed(3)} = ${r.toFixed(3)}, outside [${lo}, ${hi}]`);
};

describe.each(DEVICES.map((d) => [d.name, d] as const))('%s against DRAMsim3', (name) => {
  const pkg = loadPackage(path.join(FIX, `${name}.package.json`));
  const pats = patterns(pkg.dram.banked!);
  const ref = reference[name];
  const results = new Map<string, TrafficResult>();
  const run = (pattern: string): TrafficResult => {
    if (!results.has(pattern)) {
      const file = path.join(tmp, `${name}-${pattern}.jsonl`);
      fs.writeFileSync(file, toJsonl(pats[pattern]));
      results.set(pattern, runTraffic(pkg, loadRequests(file, pkg)));
    }
    return results.get(pattern)!;
  };

  test('the reference covers every pattern with the same request count', () => {
    expect(Object.keys(ref).sort()).toEqual(Object.keys(pats).sort());
    for (const [p, reqs] of Object.entries(pats)) expect(ref[p].requests).toBe(reqs.length);
  });

  test('streaming reads: bandwidth and energy per bit within 5 %', () => {
    const r = run('stream_read');
    expectRatio('bandwidth', r.bandwidthGBps, ref.stream_read.bandwidthGBps, WITHIN(0.05));
    const bits = r.bytes * 8;
    expectRatio('energy per bit', r.energy.dramPj / bits, ref.stream_read.energyPj / bits, WITHIN(0.05));
  });

  test.each(['rw_mix', 'rw_alternate', 'row_conflict', 'random_read'])('%s: bandwidth within 30 %', (p) => {
    expectRatio(p, run(p).bandwidthGBps, ref[p].bandwidthGBps, WITHIN(0.3));
  });

  test.each(['paced_10', 'paced_25'])('%s: mean read latency within 2x either way, end time within 10 % (the queue does not grow)', (p) => {
    const r = run(p);
    expectRatio(`${p} read latency`, r.readLatencyNs!.mean, ref[p].readLatencyNs.mean, [0.5, 2]);
    expectRatio(`${p} end time`, r.endNs, ref[p].endNs, WITHIN(0.1));
  });

  test('deterministic: the same requests give the same bytes', () => {
    const file = path.join(tmp, `${name}-again.jsonl`);
    fs.writeFileSync(file, toJsonl(pats.rw_mix));
    const again = runTraffic(pkg, loadRequests(file, pkg));
    expect(Array.from(again.donePs)).toEqual(Array.from(run('rw_mix').donePs));
    expect(again.dram).toEqual(run('rw_mix').dram);
  });
});
