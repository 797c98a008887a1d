/**
 * Generated valid inputs for property-based tests (fast-check): packages, workloads, scenarios
 * as the JSON documents a user would write, and random valid schedules. Workloads are built by
 * interpreting a list of small step records, so fast-check shrinks a failing workload by
 * dropping steps and shrinking their numbers; every generated layer chains its shapes exactly
 * (the loader's strict check, sim/input/workload.ts, must accept all of them).
 */
import fc from 'fast-check';
import { DRAM_PRESETS } from '../../sim/input/dram-presets';
import { Package, Scenario, ScheduleJob } from '../../sim/input/types';
import { planLayer } from '../../sim/cost/plan';
import { packageSources } from '../../sim/cost/mapper';
import { makeRng } from '../../sim/engine/rng';

export type Json = Record<string, unknown>;

export interface GenLimits {
  maxGrid: number;
  maxModels: number;
  maxBatch: number;
  maxSteps: number;
}

export const SMALL: GenLimits = { maxGrid: 8, maxModels: 3, maxBatch: 64, maxSteps: 6 };
export const FULL: GenLimits = { maxGrid: 8, maxModels: 6, maxBatch: 64, maxSteps: 12 };

/** A number in [lo, hi] with an odd fractional part now and then (bandwidths, energies). */
const odd = (lo: number, hi: number) => fc.oneof(fc.integer({ min: Math.ceil(lo), max: Math.floor(hi) }), fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true }).map((x) => Math.round(x * 1000) / 1000).filter((x) => x >= lo && x <= hi));

const kindArb = fc.record({
  dataflow: fc.constantFrom('ws', 'os', 'rs'),
  peRows: fc.integer({ min: 1, max: 48 }),
  peCols: fc.integer({ min: 1, max: 48 }),
  // Odd sizes on purpose: the mapper and the buffer layout divide them.
  bufferBytes: fc.integer({ min: 8192, max: 4 << 20 }),
  clockMHz: odd(50, 2000),
  macEnergyPj: odd(0, 5),
  vectorOpEnergyPj: odd(0, 5),
  bufferEnergyPjPerByte: odd(0, 10),
  rfEnergyPjPerByte: odd(0, 2),
  arrayEnergyPjPerByte: odd(0, 2),
  staticPowerMw: odd(0, 200),
});

/** A package document: 1x1 .. maxGrid x maxGrid, 1-3 kinds mixed at random, each NoP and DRAM model. */
export function packageArb(lim: GenLimits): fc.Arbitrary<Json> {
  return fc
    .record({
      rows: fc.integer({ min: 1, max: lim.maxGrid }),
      cols: fc.integer({ min: 1, max: lim.maxGrid }),
      kinds: fc.array(kindArb, { minLength: 1, maxLength: 3 }),
      cellSeed: fc.integer({ min: 0, max: 1 << 30 }),
      nop: fc.record({
        model: fc.constantFrom('router', 'link'), linkBandwidthGBps: odd(1, 1000), hopLatencyNs: odd(0, 100), energyPjPerBit: odd(0, 5), packetBytes: fc.integer({ min: 256, max: 8192 }),
        // Router input buffers from one flit (credit-starved) to well above the credit loop.
        bufferBytes: fc.integer({ min: 64, max: 65536 }), ejectionPorts: fc.integer({ min: 1, max: 3 }),
      }),
      dramModel: fc.constantFrom('channel', 'banked', 'banked-packet'),
      preset: fc.constantFrom(...Object.keys(DRAM_PRESETS)),
      dram: fc.record({ channelBandwidthGBps: odd(1, 512), latencyNs: odd(0, 300), energyPjPerBit: odd(0, 30) }),
      channelCells: fc.array(fc.integer({ min: 0, max: 1 << 20 }), { minLength: 1, maxLength: 4 }),
      elementBytes: fc.constantFrom(1, 1, 2),
    })
    .map((g) => {
      const names = g.kinds.map((_, i) => `k${i}`);
      const rng = makeRng(String(g.cellSeed));
      const grid = Array.from({ length: g.rows }, () => Array.from({ length: g.cols }, () => names[rng.int(names.length)]));
      const cells = [...new Set(g.channelCells.map((c) => c % (g.rows * g.cols)))];
      const dram: Json = { ...g.dram, channels: cells.map((c) => [Math.floor(c / g.cols), c % g.cols]) };
      if (g.dramModel !== 'channel') {
        dram.model = g.dramModel;
        dram.preset = g.preset;
        delete dram.channelBandwidthGBps;
      }
      return {
        schema: 'mcmsim/package@1', name: `gen_${g.rows}x${g.cols}`, elementBytes: g.elementBytes,
        kinds: Object.fromEntries(g.kinds.map((k, i) => [names[i], k])), grid, nop: g.nop, dram,
      };
    });
}

/** One step of a workload: what to add after the current layer (numbers pick its parameters). */
interface Step {
  op: 'conv' | 'dw' | 'group' | 'pool' | 'relu' | 'concat' | 'residual' | 'fc' | 'attn';
  a: number;
  b: number;
}

const stepArb: fc.Arbitrary<Step> = fc.record({
  op: fc.constantFrom('conv', 'dw', 'group', 'pool', 'relu', 'concat', 'residual', 'fc', 'attn'),
  a: fc.nat(1000),
  b: fc.nat(1000),
});

type Shape = { map: true; c: number; h: number; w: number } | { map: false; t: number; f: number };

/**
 * Builds the layer list of `steps` from a model input (a c x h x w map or t tokens x f
 * features): each step reads the current layer (and some read an earlier one too), with the
 * shapes chained exactly. Sizes stay small (channels <= 64, maps <= 32x32, tokens <= 64).
 */
export function buildLayers(input: Shape, steps: readonly Step[]): Json[] {
  const layers: Json[] = [];
  let cur: Shape = input;
  let last = '';
  let n = 0;
  const add = (l: Json, out: Shape, inputs?: string[]): string => {
    const name = `l${n++}`;
    layers.push({ name, ...l, inputs: inputs ?? (last ? [last] : []) });
    last = name;
    cur = out;
    return name;
  };
  const convOut = (s: { c: number; h: number; w: number }, k: number, kernel: number, stride: number, pad: number) => ({
    map: true as const, c: k, h: Math.floor((s.h + 2 * pad - kernel) / stride) + 1, w: Math.floor((s.w + 2 * pad - kernel) / stride) + 1,
  });
  const conv = (s: { c: number; h: number; w: number }, k: number, kernel: number, stride: number, groups = 1, inputs?: string[]) => {
    const pad = kernel >> 1;
    return add({ op: 'conv2d', inChannels: s.c, inHeight: s.h, inWidth: s.w, outChannels: k, kernel, stride, pad, ...(groups > 1 ? { groups } : {}) }, convOut(s, k, kernel, stride, pad), inputs);
  };
  const toTokens = () => {
    if (!cur.map) return;
    const s = cur;
    // The map's positions become tokens: an fc over h*w tokens of c features (a patch embedding).
    add({ op: 'fc', inFeatures: s.c, outFeatures: 8 + ((s.c * 7) % 57), tokens: s.h * s.w }, { map: false, t: s.h * s.w, f: 8 + ((s.c * 7) % 57) });
  };
  if (input.map) conv(input, 4 + (steps.length % 13), 3, 1);
  else add({ op: 'fc', inFeatures: input.f, outFeatures: input.f, tokens: input.t }, input);
  for (const st of steps) {
    const s = cur;
    if (!s.map && st.op !== 'fc' && st.op !== 'attn' && st.op !== 'relu' && st.op !== 'residual') {
      // Map ops on tokens: an fc instead (a transformer's MLP).
      add({ op: 'fc', inFeatures: s.f, outFeatures: 4 + (st.a % 125), tokens: s.t }, { map: false, t: s.t, f: 4 + (st.a % 125) });
      continue;
    }
    switch (st.op) {
      case 'conv': {
        const s2 = s as { c: number; h: number; w: number };
        const kernel = [1, 3, 5][st.b % 3];
        const stride = s2.h >= 4 && s2.w >= 4 ? 1 + (st.b % 2) : 1;
        conv(s2, 1 + (st.a % 64), Math.min(kernel, 2 * Math.floor(Math.min(s2.h, s2.w) / 2) + 1), stride);
        break;
      }
      case 'dw': {
        const s2 = s as { c: number; h: number; w: number };
        const stride = s2.h >= 4 && s2.w >= 4 ? 1 + (st.b % 2) : 1;
        add({ op: 'depthwise', channels: s2.c, inHeight: s2.h, inWidth: s2.w, kernel: 3, stride, pad: 1 }, convOut(s2, s2.c, 3, stride, 1));
        break;
      }
      case 'group': {
        const s2 = s as { c: number; h: number; w: number };
        const divisors = Array.from({ length: s2.c }, (_, i) => i + 1).filter((d) => s2.c % d === 0);
        const g = divisors[st.a % divisors.length];
        conv(s2, g * (1 + (st.b % 4)), 1 + 2 * (st.b % 2), 1, g);
        break;
      }
      case 'pool': {
        const s2 = s as { c: number; h: number; w: number };
        if (s2.h >= 2 && s2.w >= 2 && st.a % 3 !== 0) add({ op: 'pool', channels: s2.c, inHeight: s2.h, inWidth: s2.w, kernel: 2, stride: 2 }, { map: true, c: s2.c, h: Math.floor(s2.h / 2), w: Math.floor(s2.w / 2) });
        else add({ op: 'pool', channels: s2.c, inHeight: s2.h, inWidth: s2.w, kernel: [s2.h, s2.w] }, { map: true, c: s2.c, h: 1, w: 1 });
        break;
      }
      case 'relu': {
        const e = s.map ? s.c * s.h * s.w : s.t * s.f;
        add({ op: 'eltwise', elements: e }, s);
        break;
      }
      case 'concat': {
        // Two branches from the current layer, joined by a conv reading both (a concat).
        const s2 = s as { c: number; h: number; w: number };
        const from = last;
        const k1 = 1 + (st.a % 16);
        const k2 = 1 + (st.b % 16);
        const b1 = conv(s2, k1, 1, 1, 1, from ? [from] : []);
        const b2 = conv(s2, k2, 3, 1, 1, from ? [from] : []);
        conv({ c: k1 + k2, h: s2.h, w: s2.w }, 1 + ((st.a + st.b) % 32), 1, 1, 1, [b1, b2]);
        break;
      }
      case 'residual': {
        // x -> layer -> add(x, layer): a branch and a join with the same shape.
        const from = last;
        const e = s.map ? s.c * s.h * s.w : s.t * s.f;
        const mid = s.map ? conv(s, s.c, 3, 1) : add({ op: 'fc', inFeatures: s.f, outFeatures: s.f, tokens: s.t }, s);
        add({ op: 'eltwise', elements: e }, s, from ? [from, mid] : [mid]);
        break;
      }
      case 'fc': {
        if (s.map) {
          const flat = s.c * s.h * s.w;
          if (flat > 4096) {
            add({ op: 'pool', channels: s.c, inHeight: s.h, inWidth: s.w, kernel: [s.h, s.w] }, { map: true, c: s.c, h: 1, w: 1 });
            add({ op: 'fc', inFeatures: s.c, outFeatures: 1 + (st.a % 100) }, { map: false, t: 1, f: 1 + (st.a % 100) });
          } else add({ op: 'fc', inFeatures: flat, outFeatures: 1 + (st.a % 100) }, { map: false, t: 1, f: 1 + (st.a % 100) });
        } else add({ op: 'fc', inFeatures: s.f, outFeatures: 1 + (st.a % 100), tokens: s.t }, { map: false, t: s.t, f: 1 + (st.a % 100) });
        break;
      }
      case 'attn': {
        toTokens();
        const s2 = cur as { map: false; t: number; f: number };
        const t = s2.t;
        if (t > 256) {
          add({ op: 'fc', inFeatures: s2.f, outFeatures: s2.f, tokens: t }, s2);
          break;
        }
        const heads = [1, 2, 4].filter((h) => s2.f % h === 0)[st.a % 3] ?? 1;
        const x = last;
        const q = add({ op: 'fc', inFeatures: s2.f, outFeatures: s2.f, tokens: t }, s2, [x]);
        const k = add({ op: 'fc', inFeatures: s2.f, outFeatures: s2.f, tokens: t }, s2, [x]);
        const v = add({ op: 'fc', inFeatures: s2.f, outFeatures: s2.f, tokens: t }, s2, [x]);
        const d = s2.f / heads;
        add({ op: 'matmul', heads, m: t, k: d, n: t }, { map: false, t, f: heads * t }, [q, k]);
        add({ op: 'eltwise', elements: heads * t * t }, { map: false, t, f: heads * t });
        const sm = last;
        add({ op: 'matmul', heads, m: t, k: t, n: d }, { map: false, t, f: s2.f }, [sm, v]);
        add({ op: 'fc', inFeatures: s2.f, outFeatures: s2.f, tokens: t }, s2);
        break;
      }
    }
  }
  return layers;
}

const inputArb: fc.Arbitrary<Shape> = fc.oneof(
  fc.record({ map: fc.constant(true as const), c: fc.constantFrom(1, 3, 8), h: fc.integer({ min: 3, max: 32 }), w: fc.integer({ min: 3, max: 32 }) }),
  fc.record({ map: fc.constant(false as const), t: fc.integer({ min: 1, max: 64 }), f: fc.integer({ min: 4, max: 128 }) }),
);

/** A workload document (chains and DAGs with branches and joins of every op). */
export function workloadArb(name: string, lim: GenLimits): fc.Arbitrary<Json> {
  return fc.record({ input: inputArb, steps: fc.array(stepArb, { minLength: 0, maxLength: lim.maxSteps }) })
    .map(({ input, steps }) => ({ schema: 'mcmsim/workload@1', name, layers: buildLayers(input, steps) }));
}

export interface GenCase {
  pkg: Json;
  workloads: Json[];
  /** Scenario document; model i reads workloads[workload index] through "w<i>.json". */
  scenario: Json;
  seed: number;
}

/** A package, 1..maxModels workloads and a scenario using them (batches 1..maxBatch, SLOs). */
export function caseArb(lim: GenLimits): fc.Arbitrary<GenCase> {
  return fc.integer({ min: 1, max: lim.maxModels }).chain((nModels) =>
    fc.record({
      pkg: packageArb(lim),
      workloads: fc.tuple(...Array.from({ length: nModels }, (_, i) => workloadArb(`m${i}`, lim))),
      models: fc.tuple(...Array.from({ length: nModels }, () => fc.record({
        batch: fc.integer({ min: 1, max: lim.maxBatch }),
        slo: fc.option(odd(0.001, 50), { nil: undefined }),
        priority: fc.integer({ min: 0, max: 3 }),
      }))),
      seed: fc.integer({ min: 0, max: 1 << 30 }),
    }).map((g) => ({
      pkg: g.pkg,
      workloads: g.workloads,
      seed: g.seed,
      scenario: {
        schema: 'mcmsim/scenario@1', name: 'gen', kind: 'other',
        models: g.models.map((m, i) => ({ workload: `w${i}.json`, batch: m.batch, priority: m.priority, ...(m.slo !== undefined ? { latencySloMs: m.slo } : {}) })),
      },
    })),
  );
}

/**
 * A random valid schedule: every layer's batch cut into 1-3 sample ranges, each on a random
 * chiplet whose buffer fits it, the jobs in a random interleaving of the models' layer orders
 * (so every chiplet's list is in dependency order), windows non-decreasing along that order.
 * Null when some layer fits no chiplet.
 */
export function randomSchedule(scenario: Scenario, pkg: Package, seed: number): ScheduleJob[] | null {
  const rng = makeRng(`sched-${seed}`);
  const pick = <T>(xs: readonly T[]) => xs[rng.int(xs.length)];
  const next = scenario.models.map(() => 0);
  const jobs: ScheduleJob[] = [];
  let window = 0;
  const sources = packageSources(pkg);
  for (;;) {
    const open = scenario.models.map((m, i) => i).filter((i) => next[i] < scenario.models[i].workload.layers.length);
    if (open.length === 0) return jobs;
    const mi = pick(open);
    const m = scenario.models[mi];
    const layer = m.workload.layers[next[mi]++];
    if (rng.next() < 0.1) window++;
    const parts = Math.min(m.batch, 1 + rng.int(3));
    for (let p = 0; p < parts; p++) {
      const a = Math.floor((m.batch * p) / parts);
      const b = Math.floor((m.batch * (p + 1)) / parts);
      const fits = pkg.chiplets.filter((c) => typeof planLayer(layer.shape, c.kind, b - a, pkg.elementBytes, sources) !== 'string');
      if (fits.length === 0) return null;
      jobs.push({ layer: `${m.name}/${layer.name}`, chiplet: pick(fits).id, samples: [a, b], window });
    }
  }
}
