/**
 * The DRAM fidelity patterns (test/fixtures/dram/NOTE.md): the same requests as mcmsim traffic
 * JSONL and as DRAMsim3 trace lines, for one single-channel package per device. Deterministic
 * (a fixed-seed generator), so the committed reference figures stay tied to these requests.
 *
 *   npx ts-node scripts/gen-dram-patterns.ts OUT_DIR    writes OUT_DIR/<device>/<pattern>.jsonl and .trace
 *   npx ts-node scripts/gen-dram-patterns.ts --reduce DEVICE PATTERN CMD_TRACE STATS_JSON
 *       prints the reference figures of one DRAMsim3 run (JSON; NOTE.md says how it was run):
 *       per request, done = the clock of its last burst's column command + CL (CWL) + BL/2, the
 *       command matched to the request by bank group, bank, row and column in trace order;
 *       latency = done - injection; energy = DRAMsim3's total_energy of a run stopped at the end
 *       clock, times tCK: DRAMsim3 multiplies currents by clock counts, not ns (configuration.cc:
 *       read_energy_inc = VDD * (IDD4R - IDD3N) * burst_cycle * devices), so its "pJ" are
 *       mA x V x clocks; energyRaw keeps its figure.
 *
 * test/hw/dram-fidelity.test.ts generates the JSONL into a temporary directory and replays it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { DRAM_PRESETS, peakBandwidthGBps } from '../sim/input/dram-presets';
import { BankedDramSpec } from '../sim/input/types';

export interface DramRequest {
  tNs: number;
  write: boolean;
  bytes: number;
  addr: number;
}

export interface Device {
  /** Fixture name (test/fixtures/dram/<name>.package.json). */
  name: string;
  preset: string;
  /** DRAMsim3 clock, ns (its trace gives times in clocks). */
  tCkNs: number;
}

export const DEVICES: readonly Device[] = [
  { name: 'ddr4', preset: 'DDR4-3200', tCkNs: 0.625 },
  { name: 'hbm2', preset: 'HBM2', tCkNs: 1 },
];

/** Deterministic 32-bit generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` distinct burst-aligned addresses, uniform over `spanBytes`. */
function randomAddrs(n: number, spanBytes: number, burst: number, seed: number): number[] {
  const r = rng(seed);
  const seen = new Set<number>();
  const out: number[] = [];
  while (out.length < n) {
    const a = Math.floor(r() * (spanBytes / burst)) * burst;
    if (!seen.has(a)) seen.add(a), out.push(a);
  }
  return out;
}

const MiB = 1 << 20;

/** The patterns of one device, by name. All requests name the device's only channel. */
export function patterns(spec: BankedDramSpec): Record<string, DramRequest[]> {
  const B = spec.burstBytes;
  const peak = peakBandwidthGBps(spec);
  // Bytes between two rows of the same bank (the documented mapping: BG x columns x banks bursts).
  const rowStride = spec.bankGroups * (spec.rowBytes / B) * spec.banksPerGroup * B;
  const readBase = 0;
  const writeBase = 128 * MiB;
  const seqRW = (n: number, isWrite: (i: number) => boolean): DramRequest[] => {
    let r = 0;
    let w = 0;
    return Array.from({ length: n }, (_, i) => {
      const write = isWrite(i);
      return { tNs: 0, write, bytes: B, addr: write ? writeBase + B * w++ : readBase + B * r++ };
    });
  };
  const paced = (load: number, n: number, seed: number): DramRequest[] => {
    const gapNs = Math.round((B / (load * peak)) * 1000) / 1000; // whole ps
    const addrs = randomAddrs(n, 256 * MiB, B, seed);
    return addrs.map((addr, i) => ({ tNs: i * gapNs, write: i % 3 === 2, bytes: B, addr }));
  };
  return {
    // 512 KiB in 2 KiB requests (a NoP packet each), split into bursts by the controller.
    stream_read: Array.from({ length: 256 }, (_, i) => ({ tNs: 0, write: false, bytes: 2048, addr: 2048 * i })),
    // Two reads then a write, 64 B each, reads and writes in separate sequential regions.
    rw_mix: seqRW(3072, (i) => i % 3 === 2),
    // Strict alternation read, write, read, ...
    rw_alternate: seqRW(2048, (i) => i % 2 === 1),
    // Four sequential 64 B streams whose rows collide in every bank, interleaved request by request.
    row_conflict: Array.from({ length: 2048 }, (_, i) => ({ tNs: 0, write: false, bytes: B, addr: (i % 4) * rowStride + B * Math.floor(i / 4) })),
    // 64 B reads at distinct random addresses over 256 MiB.
    random_read: randomAddrs(2048, 256 * MiB, B, 7).map((addr) => ({ tNs: 0, write: false, bytes: B, addr })),
    // Open loop, 64 B random reads and writes (2:1) paced at 10 % and 25 % of peak bandwidth.
    paced_10: paced(0.1, 2000, 11),
    paced_25: paced(0.25, 2000, 13),
  };
}

/** mcmsim traffic JSONL: reads from dram0 into c0_0, writes from c0_0 into dram0. */
export function toJsonl(reqs: readonly DramRequest[]): string {
  return reqs.map((q) => JSON.stringify(q.write ? { t_ns: q.tNs, src: 'c0_0', dst: 'dram0', bytes: q.bytes, addr: q.addr } : { t_ns: q.tNs, src: 'dram0', dst: 'c0_0', bytes: q.bytes, addr: q.addr })).join('\n') + '\n';
}

/** DRAMsim3 trace: one line per burst, `0xADDR READ|WRITE cycle`. */
export function toDramsim3Trace(reqs: readonly DramRequest[], burstBytes: number, tCkNs: number): string {
  const lines: string[] = [];
  for (const q of reqs) {
    const cycle = Math.round(q.tNs / tCkNs);
    if (Math.abs(cycle * tCkNs - q.tNs) > 1e-9) throw new Error(`t_ns ${q.tNs} is not a whole clock of ${tCkNs} ns`);
    for (let off = 0; off < q.bytes; off += burstBytes) lines.push(`0x${(q.addr + off).toString(16)} ${q.write ? 'WRITE' : 'READ'} ${cycle}`);
  }
  return lines.join('\n') + '\n';
}

/** Figures compared with mcmsim traffic (test/fixtures/dram/<device>/reference.json). */
export interface Figures {
  requests: number;
  endNs: number;
  bandwidthGBps: number;
  readLatencyNs: { mean: number; p50: number; p99: number };
  energyPj: number;
  energyRaw: number;
  rowHitRate: number;
  /** Writes DRAMsim3 still held in its write buffer at the end (never issued). */
  unissuedWrites: number;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

function reduce(device: string, pattern: string, cmdTrace: string, statsJson: string): Figures {
  const d = DEVICES.find((x) => x.name === device)!;
  const spec = DRAM_PRESETS[d.preset]();
  const reqs = patterns(spec)[pattern];
  const B = spec.burstBytes;
  const cols = spec.rowBytes / B;
  const key = (bg: number, ba: number, row: number, col: number) => `${bg}.${ba}.${row}.${col}`;
  // Bursts by location, in trace order: [request index, ...].
  const waiting = new Map<string, number[]>();
  reqs.forEach((q, i) => {
    for (let off = 0; off < q.bytes; off += B) {
      const n = (q.addr + off) / B;
      const k = key(n % spec.bankGroups, Math.floor(n / (spec.bankGroups * cols)) % spec.banksPerGroup, Math.floor(n / (spec.bankGroups * cols * spec.banksPerGroup)), Math.floor(n / spec.bankGroups) % cols);
      const l = waiting.get(k) ?? [];
      l.push(i);
      waiting.set(k, l);
    }
  });
  const tck = d.tCkNs;
  const cl = Math.round(spec.tClNs / tck);
  const cwl = Math.round(spec.tCwlNs / tck);
  const bl2 = Math.round(spec.tBurstNs / tck);
  const doneCk = new Float64Array(reqs.length);
  for (const line of fs.readFileSync(cmdTrace, 'utf8').split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8 || (f[1] !== 'read' && f[1] !== 'write')) continue;
    const k = key(Number(f[4]), Number(f[5]), Number.parseInt(f[6], 16), Number.parseInt(f[7], 16));
    const i = waiting.get(k)?.shift();
    if (i === undefined) throw new Error(`${cmdTrace}: command with no request: ${line}`);
    doneCk[i] = Math.max(doneCk[i], Number(f[0]) + (f[1] === 'read' ? cl : cwl) + bl2);
  }
  // DRAMsim3 posts writes and issues a few left in its write buffer only when more arrive (it
  // drains from 9 up when idle): those never reach the bus and are left out of the end time.
  let unissuedWrites = 0;
  for (const [, l] of waiting) for (const i of l) if (reqs[i].write) unissuedWrites++;
  else throw new Error(`${cmdTrace}: read at trace line ${i + 1} never issued (run longer)`);
  const endNs = Math.max(...doneCk) * tck;
  const lat = reqs.flatMap((q, i) => (q.write ? [] : [doneCk[i] * tck - q.tNs])).sort((a, b) => a - b);
  const st = (JSON.parse(fs.readFileSync(statsJson, 'utf8')) as Record<string, Record<string, number>>)['0'];
  const cmds = st.num_read_cmds + st.num_write_cmds;
  return {
    requests: reqs.length,
    endNs,
    bandwidthGBps: reqs.reduce((s, q) => s + q.bytes, 0) / endNs,
    readLatencyNs: { mean: lat.reduce((s, x) => s + x, 0) / Math.max(1, lat.length), p50: percentile(lat, 0.5), p99: percentile(lat, 0.99) },
    energyPj: st.total_energy * tck,
    energyRaw: st.total_energy,
    rowHitRate: (st.num_read_row_hits + st.num_write_row_hits) / cmds,
    unissuedWrites,
  };
}

if (require.main === module && process.argv[2] === '--reduce') {
  const [device, pattern, cmdTrace, statsJson] = process.argv.slice(3);
  process.stdout.write(JSON.stringify(reduce(device, pattern, cmdTrace, statsJson)) + '\n');
} else if (require.main === module) {
  const out = process.argv[2];
  if (!out) {
    process.stderr.write('usage: gen-dram-patterns.ts OUT_DIR\n');
    process.exit(2);
  }
  for (const d of DEVICES) {
    const spec = DRAM_PRESETS[d.preset]();
    const dir = path.join(out, d.name);
    fs.mkdirSync(dir, { recursive: true });
    for (const [name, reqs] of Object.entries(patterns(spec))) {
      fs.writeFileSync(path.join(dir, `${name}.jsonl`), toJsonl(reqs));
      fs.writeFileSync(path.join(dir, `${name}.trace`), toDramsim3Trace(reqs, spec.burstBytes, d.tCkNs));
    }
  }
}
