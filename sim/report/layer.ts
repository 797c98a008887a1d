/**
 * One layer on one chiplet, alone (the `mcmsim cost` command). The chiplet kind of the requested dataflow
 * comes from --package (the default package's constants), with --pes/--array/--buffer
 * overriding its size; weights and inputs come from a DRAM channel attached to the chiplet and
 * outputs go back to it, so the latency shows whether the layer is compute- or DRAM-bound.
 * The mapper (sim/cost/mapper.ts) picks the mapping by --objective and is told that both
 * operands come over that one channel; --top N also lists the runners-up.
 */
import * as path from 'path';
import { loadPackage } from '../input/package';
import { parseWorkload, loadWorkload } from '../input/workload';

import { InputError } from '../input/errors';
import { rangeViolation } from '../input/ranges';
import { ChipletKind, Dataflow, Layer, Package } from '../input/types';
import { planLayer, toPlan, LayerPlan } from '../cost/plan';
import { DataSources, LevelEnergy, mapLayer, Objective, OBJECTIVES } from '../cost/mapper';
import { TileDims } from '../cost/spatial';
import { Topology } from '../cost/topology';
import { Job } from '../cost/program';
import { jobLatencyPs, psPerCycle } from '../cost/estimate';
import { Energy, energyOf, newCounts } from '../cost/energy';

export interface CostArgs {
  layer: string;
  dataflow: string;
  pes?: number;
  array?: string;
  buffer?: number;
  samples: number;
  package: string;
  objective?: string;
  top?: number;
}

/** One mapping as `cost` reports it. */
export interface MappingSummary {
  spatial: string;
  rowsUsed: number;
  colsUsed: number;
  /** "K-parts > N-parts" or "N-parts > K-parts" (outer > inner). */
  loopOrder: string;
  kParts: number;
  nParts: number;
  tile: TileDims;
  computeCycles: number;
  mapperLatencyCycles: number;
  utilization: number;
  weightLoadBytes: number;
  inputLoadBytes: number;
  bufferAccessBytes: number;
  arrayAccessBytes: number;
  rfAccessBytes: number;
  /** On-chip energy per level and the loads' energy, as the mapper ranked the mapping. */
  mapperEnergy: LevelEnergy;
}

export interface CostResult {
  layer: string;
  dataflow: Dataflow;
  peRows: number;
  peCols: number;
  samples: number;
  macs: number;
  vectorOps: number;
  kParts: number;
  nParts: number;
  computeCycles: number;
  latencyCycles: number;
  bound: 'compute' | 'memory';
  utilization: number;
  weightLoadBytes: number;
  inputLoadBytes: number;
  outputBytes: number;
  bufferAccessBytes: number;
  dramBytes: number;
  energy: Energy;
  objective: Objective;
  /** The chosen mapping (also summarised by the fields above). */
  mapping: MappingSummary;
  /** The next best mappings by the objective (--top N gives N - 1 of them). */
  runnersUp: MappingSummary[];
}

function summary(p: LayerPlan): MappingSummary {
  return {
    spatial: p.spatial, rowsUsed: p.rowsUsed, colsUsed: p.colsUsed, loopOrder: p.kOuter ? 'K-parts > N-parts' : 'N-parts > K-parts',
    kParts: p.kParts, nParts: p.nParts, tile: { ...p.tile }, computeCycles: p.computeCycles, mapperLatencyCycles: p.mapperLatencyCycles,
    utilization: p.utilization, weightLoadBytes: p.weightLoadBytes, inputLoadBytes: p.inputLoadBytes, bufferAccessBytes: p.bufferAccessBytes,
    arrayAccessBytes: p.arrayAccessBytes, rfAccessBytes: p.rfAccessBytes, mapperEnergy: { ...p.energy },
  };
}

/** A `--layer` argument: inline JSON (workload layer syntax) or file.json#layerName. */
export function parseLayerArg(arg: string): Layer {
  const hash = arg.lastIndexOf('#');
  if (!arg.trim().startsWith('{') && hash > 0) {
    const file = arg.slice(0, hash);
    const name = arg.slice(hash + 1);
    const w = loadWorkload(path.resolve(file));
    const l = w.layers.find((x) => x.name === name);
    if (!l) throw new InputError(file, 'layers', `no layer named "${name}"`);
    return l;
  }
  let json: unknown;
  try {
    json = JSON.parse(arg);
  } catch (e) {
    throw new InputError('--layer', '', `malformed JSON: ${(e as Error).message}`);
  }
  const obj = { name: 'layer', ...(json as object) };
  const w = parseWorkload('--layer', { schema: 'mcmsim/workload@1', name: 'cli', layers: [obj] });
  return w.layers[0];
}

function arraySize(args: CostArgs, kind: ChipletKind): [number, number] {
  if (args.array) {
    const m = /^(\d+)x(\d+)$/.exec(args.array);
    if (!m || +m[1] < 1 || +m[2] < 1) throw new InputError('--array', '', `expected ROWSxCOLS, got "${args.array}"`);
    for (const v of [+m[1], +m[2]]) {
      const why = rangeViolation('kind.peRows', v);
      if (why) throw new InputError('--array', '', why);
    }
    return [+m[1], +m[2]];
  }
  if (args.pes !== undefined) {
    const side = Math.round(Math.sqrt(args.pes));
    if (side < 1 || side * side !== args.pes) throw new InputError('--pes', '', `${args.pes} is not a square number; use --array ROWSxCOLS`);
    const why = rangeViolation('kind.peRows', side);
    if (why) throw new InputError('--pes', '', `a ${side}x${side} array: ${why.replace(/, got .*$/, '')} per side`);
    return [side, side];
  }
  return [kind.peRows, kind.peCols];
}

export function costOfLayer(args: CostArgs): CostResult {
  const layer = parseLayerArg(args.layer);
  const base = loadPackage(args.package);
  const df = args.dataflow as Dataflow;
  const baseKind = base.kinds.find((k) => k.dataflow === df) ?? base.kinds[0];
  const [peRows, peCols] = arraySize(args, baseKind);
  const samplesWhy = rangeViolation('model.batch', args.samples);
  if (samplesWhy) throw new InputError('--samples', '', samplesWhy);
  const bufferWhy = args.buffer === undefined ? undefined : rangeViolation('kind.bufferBytes', args.buffer);
  if (bufferWhy) throw new InputError('--buffer', '', bufferWhy);
  const kind: ChipletKind = { ...baseKind, name: df, dataflow: df, peRows, peCols, bufferBytes: args.buffer ?? baseKind.bufferBytes };
  // A one-chiplet package with one DRAM channel attached to it.
  const pkg: Package = {
    ...base, name: 'single', rows: 1, cols: 1, kinds: [kind], chiplets: [{ index: 0, id: 'c0_0', row: 0, col: 0, kind }],
    dram: { ...base.dram, channels: [{ index: 0, id: 'dram0', chiplet: 0 }] },
  };
  const objective = (args.objective ?? 'latency') as Objective;
  if (!OBJECTIVES.includes(objective)) throw new InputError('--objective', '', `expected one of ${OBJECTIVES.join(', ')}, got "${args.objective}"`);
  const top = args.top ?? 1;
  if (!Number.isInteger(top) || top < 1 || top > 100) throw new InputError('--top', '', 'must be an integer from 1 to 100');
  // Both operands come over the chiplet's one DRAM channel.
  const d = pkg.dram;
  const sources: DataSources = {
    weightGBps: d.channelBandwidthGBps, weightLatencyNs: d.latencyNs, weightPjPerByte: d.energyPjPerBit * 8,
    inputGBps: d.channelBandwidthGBps, inputLatencyNs: d.latencyNs, inputPjPerByte: d.energyPjPerBit * 8, sharedPath: true,
  };
  const plan = planLayer(layer.shape, kind, args.samples, pkg.elementBytes, sources, objective);
  if (typeof plan === 'string') throw new InputError('--layer', '', `cannot run on this chiplet: it ${plan}`);
  const ranked = top > 1 ? mapLayer(layer.shape, kind, args.samples, pkg.elementBytes, sources, objective, top) : [];
  const runnersUp = typeof ranked === 'string' ? [] : ranked.slice(1).map((m) => summary(toPlan(layer.shape, kind, args.samples, pkg.elementBytes, m)));
  const topo = new Topology(pkg);
  const dram = topo.dramReadPath(0);
  const job = {
    plan, chiplet: 0, weightSources: plan.weightBytes ? [{ path: dram, weight: 1 }] : [], inputSources: [{ path: dram, weight: 1 }],
    storePath: topo.dramWritePath(0),
  } as unknown as Job;
  const counts = newCounts(topo);
  const latencyPs = jobLatencyPs(job, topo, counts);
  const cyclePs = psPerCycle(kind.clockMHz);
  const latencyCycles = Math.ceil(latencyPs / cyclePs);
  // 'memory' when loads and stores stretch the layer more than 5 % beyond its compute cycles.
  return {
    layer: layer.name === 'layer' ? args.layer : layer.name, dataflow: df, peRows, peCols, samples: args.samples,
    macs: plan.macs, vectorOps: plan.vectorOps, kParts: plan.kParts, nParts: plan.nParts, computeCycles: plan.computeCycles,
    latencyCycles, bound: latencyCycles > plan.computeCycles * 1.05 ? 'memory' : 'compute', utilization: plan.utilization,
    weightLoadBytes: plan.weightLoadBytes, inputLoadBytes: plan.inputLoadBytes, outputBytes: plan.outputBytes,
    bufferAccessBytes: plan.bufferAccessBytes, dramBytes: counts.resourceBytes[topo.resources.length - 1],
    energy: energyOf(pkg, topo, counts, latencyPs),
    objective, mapping: summary(plan), runnersUp,
  };
}

const pj = (x: number) => x.toFixed(1);

function mappingRows(m: MappingSummary): (string | number)[][] {
  const t = m.tile;
  return [
    ['spatial (rows x cols)', `${m.spatial}; ${m.rowsUsed} x ${m.colsUsed} PEs used`],
    ['tiles, loop order', `${m.kParts} K-parts x ${m.nParts} N-parts, ${m.loopOrder}`],
    ['tile (groups, K, C, output rows)', `${t.g}, ${t.k}, ${t.c}, ${t.n}`],
    ['compute: PE array busy (cycles)', m.computeCycles], ['latency as the mapper ranks it, no output stores (cycles)', m.mapperLatencyCycles],
    ['PE utilisation', `${(m.utilization * 100).toFixed(2)}%`],
    ['bytes loaded from DRAM (weights, inputs)', `${m.weightLoadBytes}, ${m.inputLoadBytes}`],
    ['bytes: buffer, array network, registers', `${m.bufferAccessBytes}, ${m.arrayAccessBytes}, ${m.rfAccessBytes}`],
    ['mapper energy (pJ): MAC, registers, array, buffer, DRAM loads', [m.mapperEnergy.macPj, m.mapperEnergy.rfPj, m.mapperEnergy.arrayPj, m.mapperEnergy.bufferPj, m.mapperEnergy.loadPj].map(pj).join(', ')],
  ];
}

/**
 * The `cost` command's text report. Three latencies: the array's compute cycles alone; the
 * mapper's ranking estimate (loads overlapped with compute, first load exposed, stores left
 * out); the contention-free list schedule of the tiles from the first DRAM load to the last
 * output store (jobLatencyPs, the `latencyCycles` JSON field). Two DRAM energies: the mapper's
 * (weight and input loads only) and the evaluator's (every DRAM byte, stores included).
 */
export function costText(r: CostResult, table: (head: string[], rows: (string | number)[][]) => string): string {
  const lines = [`layer ${r.layer} on a ${r.peRows}x${r.peCols} ${r.dataflow} chiplet, ${r.samples} sample(s); mapping chosen by ${r.objective}`];
  lines.push(table(['', 'value'], [
    ['MACs', r.macs], ['vector ops', r.vectorOps], ...mappingRows(r.mapping),
    ['latency, first DRAM load to last output store (cycles)', r.latencyCycles], ['bound (memory: latency > 1.05 x compute)', r.bound],
    ['output bytes', r.outputBytes], ['DRAM bytes: loads + output stores', r.dramBytes],
    ['energy compute (pJ)', pj(r.energy.computePj)], ['energy registers (pJ)', pj(r.energy.rfPj)], ['energy array network (pJ)', pj(r.energy.arrayPj)],
    ['energy buffer (pJ)', pj(r.energy.bufferPj)], ['energy DRAM, loads + output stores (pJ)', pj(r.energy.dramPj)], ['energy static (pJ)', pj(r.energy.staticPj)],
    ['energy total (pJ)', pj(r.energy.totalPj)],
  ]));
  r.runnersUp.forEach((m, i) => {
    lines.push('', `runner-up ${i + 2}:`);
    lines.push(table(['', 'value'], mappingRows(m)));
  });
  return lines.join('\n');
}
