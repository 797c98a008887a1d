/**
 * The NoP comparison patterns as `mcmsim traffic` request files (JSONL), the same traffic the
 * BookSim2 runs in test/fixtures/nop/ carry (NOTE.md there says how each maps):
 *   npx ts-node --transpile-only scripts/nop-patterns.ts OUT_DIR
 * writes one OUT_DIR/<pattern>.jsonl per pattern. test/hw/traffic-nop.test.ts builds the same
 * requests in memory.
 *
 * Time base: BookSim2 runs in cycles of one 64-byte flit per link (0.64 ns at 100 GB/s). The
 * synthetic patterns use BookSim2's own injection process: in every cycle each of the 9 nodes
 * starts a 32-flit packet with probability load / 32 (Bernoulli, `injection_rate_uses_flits`),
 * to a destination drawn uniformly from all 9 nodes. mcmsim refuses a chiplet sending to itself
 * (nothing crosses the NoP), so a draw of the source itself is drawn again from the other 8: each
 * injection and ejection port carries the same offered load as in BookSim2, where 1/9 of the
 * packets loop back through their own router. The links then carry 9/8 of BookSim2's link
 * load; on a 3x3 mesh they are not the bottleneck (XY's busiest link carries 2/3 of a node's
 * injection rate under uniform traffic). BookSim2's latencies are taken over its packets to other
 * nodes only (its pair statistics).
 */
import * as fs from 'fs';
import * as path from 'path';

export const CYCLE_NS = 0.64;
export const PACKET_BYTES = 2048;
const PACKET_FLITS = 32;
const KI = 1024;

export interface Req {
  t_ns: number;
  src: string;
  dst: string;
  bytes: number;
}

const id = (n: number) => `c${Math.floor(n / 3)}_${n % 3}`;

/** xorshift32 (Marsaglia 2003), seeded: the same seed gives the same file on every machine. */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

/**
 * Open-loop uniform random traffic on the 3x3 mesh: `load` flits per cycle per node offered
 * (to the other nodes, see the header), for `cycles` cycles.
 */
export function uniform(load: number, cycles: number, seed: number): Req[] {
  const rand = rng(seed);
  const p = load / PACKET_FLITS;
  const out: Req[] = [];
  for (let c = 0; c < cycles; c++) {
    for (let n = 0; n < 9; n++) {
      if (rand() >= p) continue;
      let d = Math.min(8, Math.floor(rand() * 9));
      if (d === n) d = (n + 1 + Math.min(7, Math.floor(rand() * 8))) % 9;
      out.push({ t_ns: Math.round(c * CYCLE_NS * 1000) / 1000, src: id(n), dst: id(d), bytes: PACKET_BYTES });
    }
  }
  return out;
}

const pair = (a: number, b: number, bytes: number): Req[] => [
  { t_ns: 0, src: id(a), dst: id(b), bytes },
  { t_ns: 0, src: id(b), dst: id(a), bytes },
];

/** The deterministic patterns (BookSim2: batch mode with bitcomp pairs on placed nodes). */
export const FIXED: Record<string, () => Req[]> = {
  // One packet each way between c0_0 and c0_2 (2 hops; the two never meet).
  lone: () => pair(0, 2, PACKET_BYTES),
  // 1 MiB each way between opposite corners (4 hops).
  mib: () => pair(0, 8, KI * KI),
  // c0_0 -> c0_2 and c0_1 -> c0_2 share the link c0_1->c0_2 (and the mirror flows share c0_2->c0_1).
  twoflows: () => [...pair(0, 2, KI * KI), ...pair(1, 2, KI * KI)],
  // The 8 outer chiplets each send 256 KiB into c1_1, and c1_1 sends 256 KiB to each.
  hotspot: () => [0, 1, 2, 3, 5, 6, 7, 8].flatMap((n) => pair(n, 4, 256 * KI)),
  // The mib pattern; the package gives 16-flit (1 KiB) router buffers.
  smallbuf: () => pair(0, 8, KI * KI),
};

/** Uniform random runs: offered load in flits/cycle/node, cycles, seed. */
export const UNIFORM = {
  uniform80: { load: 0.5669, cycles: 100000, seed: 80 },
  uniform90: { load: 0.6377, cycles: 100000, seed: 90 },
  saturation: { load: 0.9, cycles: 60000, seed: 99 },
} as const;

export function pattern(name: string): Req[] {
  if (name in FIXED) return FIXED[name]();
  const u = UNIFORM[name as keyof typeof UNIFORM];
  if (!u) throw new Error(`unknown pattern ${name}`);
  return uniform(u.load, u.cycles, u.seed);
}

export const jsonl = (reqs: Req[]) => reqs.map((r) => JSON.stringify(r)).join('\n') + '\n';

if (require.main === module) {
  const dir = process.argv[2];
  if (!dir) {
    process.stderr.write('usage: scripts/nop-patterns.ts OUT_DIR\n');
    process.exit(2);
  }
  fs.mkdirSync(dir, { recursive: true });
  const names = [...Object.keys(FIXED), ...Object.keys(UNIFORM)];
  names.forEach((n, i) => {
    fs.writeFileSync(path.join(dir, `${n}.jsonl`), jsonl(pattern(n)));
    process.stderr.write(`${i + 1} of ${names.length}: ${n}\n`);
  });
}
