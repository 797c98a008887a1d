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
import { MAESTRO_TEMPLATES, MaestroResult, MaestroTemplate, TEMPLATE_DATAFLOW, maestroCost, maestroEnergyPj, maestroHwOf, maestroSupports, MaestroHw, TensorAccesses } from '../cost/maestro';

export interface CostArgs {
  layer: string;
  /** Optional with a maestro template (the template implies it). */
  dataflow?: string;
  /** 'search' (the mapper, default) or 'maestro:<template>'. */
  mapping?: string;
  nocBw?: number;
  offchipBw?: number;
  nocHopLatency?: number;
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
  /** The --mapping choice. */
  mappingChoice: 'search';
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
  if (!args.dataflow) throw new InputError('--dataflow', '', 'required with --mapping search (ws, os or rs)');
  for (const [flag, v] of [['--noc-bw', args.nocBw], ['--offchip-bw', args.offchipBw], ['--noc-hop-latency', args.nocHopLatency]] as const) {
    if (v !== undefined) throw new InputError(flag, '', 'applies to a maestro template only (--mapping maestro:TEMPLATE)');
  }
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
    layer: layer.name === 'layer' ? args.layer : layer.name, dataflow: df, mappingChoice: 'search', peRows, peCols, samples: args.samples,
    macs: plan.macs, vectorOps: plan.vectorOps, kParts: plan.kParts, nParts: plan.nParts, computeCycles: plan.computeCycles,
    latencyCycles, bound: latencyCycles > plan.computeCycles * 1.05 ? 'memory' : 'compute', utilization: plan.utilization,
    weightLoadBytes: plan.weightLoadBytes, inputLoadBytes: plan.inputLoadBytes, outputBytes: plan.outputBytes,
    bufferAccessBytes: plan.bufferAccessBytes, dramBytes: counts.resourceBytes[topo.resources.length - 1],
    energy: energyOf(pkg, topo, counts, latencyPs),
    objective, mapping: summary(plan), runnersUp,
  };
}

const pj = (x: number) => x.toFixed(1);

/** One layer on one chiplet with a fixed MAESTRO template (`cost --mapping maestro:TEMPLATE`). */
export interface TemplateCostResult {
  layer: string;
  dataflow: Dataflow;
  mappingChoice: string;
  /** The directives used (MAESTRO syntax). */
  template: string;
  pes: number;
  samples: number;
  nocBwElemsPerCycle: number;
  offchipBwElemsPerCycle: number;
  nocHopLatencyCycles: number;
  /** The layer's exact MACs; maestroMacs is MAESTRO's count where it differs. */
  macs: number;
  maestroMacs?: number;
  vectorOps: number;
  /** The template's runtime, as MAESTRO reports it, in the kind's cycles. */
  latencyCycles: number;
  latencyPs: number;
  /** Per-step terms summed over the steps (each step takes the largest). */
  computeCycles: number;
  nocIngressCycles: number;
  nocEgressCycles: number;
  offchipCycles: number;
  bound: 'compute' | 'noc' | 'offchip';
  /** MACs / (latency x PEs). */
  utilization: number;
  /** Elements: L1 = PE-local buffers, L2 = the chiplet's global buffer. */
  accesses: { l1: TensorAccesses; l2: TensorAccesses };
  weightLoadBytes: number;
  inputLoadBytes: number;
  outputBytes: number;
  dramBytes: number;
  /** computePj = MACs, rfPj = L1, arrayPj = NoC, bufferPj = L2; DRAM: loads and stores; static over the latency. */
  energy: Energy;
}

const TEMPLATE_CHOICES = MAESTRO_TEMPLATES.map((t) => `maestro:${t}`);
export const MAPPING_CHOICES = ['search', ...TEMPLATE_CHOICES];

function intFlag(flag: string, v: number | undefined, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  if (!Number.isInteger(v) || v < min || v > max) throw new InputError(flag, '', `expected an integer from ${min} to ${max}, got ${v}`);
  return v;
}

export function templateCostOfLayer(args: CostArgs): TemplateCostResult {
  const choice = args.mapping ?? '';
  if (!TEMPLATE_CHOICES.includes(choice)) throw new InputError('--mapping', '', `expected one of ${MAPPING_CHOICES.join(', ')}, got "${choice}"`);
  const template = choice.slice('maestro:'.length) as MaestroTemplate;
  const implied = TEMPLATE_DATAFLOW[template];
  if (args.dataflow !== undefined && args.dataflow !== implied) throw new InputError('--dataflow', '', `${args.dataflow} does not match ${choice} (a ${implied} template)`);
  if (args.array !== undefined) throw new InputError('--array', '', 'a maestro template takes --pes, not an array shape');
  if ((args.top ?? 1) !== 1) throw new InputError('--top', '', 'a maestro template has one mapping; --top applies to --mapping search');
  const layer = parseLayerArg(args.layer);
  if (!maestroSupports(layer.op)) throw new InputError('--layer', 'op', `a maestro template costs MAC layers; ${layer.op} is a vector layer (use --mapping search)`);
  const samplesWhy = rangeViolation('model.batch', args.samples);
  if (samplesWhy) throw new InputError('--samples', '', samplesWhy);
  const bufferWhy = args.buffer === undefined ? undefined : rangeViolation('kind.bufferBytes', args.buffer);
  if (bufferWhy) throw new InputError('--buffer', '', bufferWhy);
  const pkg = loadPackage(args.package);
  const kind = pkg.kinds.find((k) => k.dataflow === implied) ?? pkg.kinds[0];
  const over: Partial<MaestroHw> = {
    pes: intFlag('--pes', args.pes, 1, 1 << 24), nocBwElemsPerCycle: intFlag('--noc-bw', args.nocBw, 1, 2 ** 31 - 1),
    offchipBwElemsPerCycle: intFlag('--offchip-bw', args.offchipBw, 1, 2 ** 31 - 1), nocHopLatencyCycles: intFlag('--noc-hop-latency', args.nocHopLatency, 0, 1 << 20),
    l2Bytes: args.buffer,
  };
  for (const k of Object.keys(over) as (keyof MaestroHw)[]) if (over[k] === undefined) delete over[k];
  const hw = maestroHwOf(kind, pkg.dram, pkg.elementBytes, over);
  const r: MaestroResult = maestroCost(layer.op, layer.shape, args.samples, template, hw);
  const e = maestroEnergyPj(r, kind, pkg.elementBytes);
  const latencyPs = r.latencyCycles * psPerCycle(kind.clockMHz);
  const b = pkg.elementBytes;
  const dramBytes = (r.offchipElems.input + r.offchipElems.weight + r.offchipElems.output) * b;
  const dramPj = dramBytes * 8 * pkg.dram.energyPjPerBit;
  // 1 mW for 1 ns = 1 pJ.
  const staticPj = kind.staticPowerMw * latencyPs * 1e-3;
  const dynamicPj = e.totalPj + dramPj;
  return {
    layer: layer.name === 'layer' ? args.layer : layer.name, dataflow: implied, mappingChoice: choice, template: r.directives, pes: hw.pes, samples: args.samples,
    nocBwElemsPerCycle: hw.nocBwElemsPerCycle, offchipBwElemsPerCycle: hw.offchipBwElemsPerCycle, nocHopLatencyCycles: hw.nocHopLatencyCycles,
    macs: r.macs, ...(r.maestroMacs !== undefined ? { maestroMacs: r.maestroMacs } : {}), vectorOps: 0,
    latencyCycles: r.latencyCycles, latencyPs, computeCycles: r.computeCycles, nocIngressCycles: r.nocIngressCycles, nocEgressCycles: r.nocEgressCycles,
    offchipCycles: r.offchipCycles, bound: r.bound, utilization: r.macs / (r.latencyCycles * hw.pes), accesses: r.accesses,
    weightLoadBytes: r.offchipElems.weight * b, inputLoadBytes: r.offchipElems.input * b, outputBytes: r.offchipElems.output * b, dramBytes,
    energy: { computePj: e.macPj, rfPj: e.l1Pj, arrayPj: e.nocPj, bufferPj: e.l2Pj, nopPj: 0, dramPj, staticPj, dynamicPj, totalPj: dynamicPj + staticPj },
  };
}

export function templateCostText(r: TemplateCostResult, table: (head: string[], rows: (string | number)[][]) => string): string {
  const a = r.accesses;
  const rw = (x: { reads: number; writes: number }) => `${x.reads}, ${x.writes}`;
  const lines = [`layer ${r.layer} on a ${r.pes}-PE ${r.dataflow} chiplet, ${r.samples} sample(s); mapping ${r.mappingChoice}`, `directives: ${r.template}`];
  lines.push(table(['', 'value'], [
    ['NoC (elements/cycle, hop cycles), off-chip (elements/cycle)', `${r.nocBwElemsPerCycle}, ${r.nocHopLatencyCycles}, ${r.offchipBwElemsPerCycle}`],
    ['MACs (the layer\'s)', r.macs], ...(r.maestroMacs !== undefined ? [['MACs as MAESTRO counts them', r.maestroMacs] as (string | number)[]] : []),
    ['latency (cycles)', r.latencyCycles], ['bound', r.bound], ['PE utilisation', `${(r.utilization * 100).toFixed(2)}%`],
    ['per-step terms summed: compute, NoC in, NoC out, off-chip (cycles)', `${r.computeCycles}, ${r.nocIngressCycles}, ${r.nocEgressCycles}, ${r.offchipCycles}`],
    ['L1 reads, writes (elements): input', rw(a.l1.input)], ['L1: weight', rw(a.l1.weight)], ['L1: output', rw(a.l1.output)],
    ['L2 reads, writes (elements): input', rw(a.l2.input)], ['L2: weight', rw(a.l2.weight)], ['L2: output', rw(a.l2.output)],
    ['DRAM bytes: weights + inputs + outputs', r.dramBytes],
    ['energy MAC, L1, NoC, L2 (pJ)', [r.energy.computePj, r.energy.rfPj, r.energy.arrayPj, r.energy.bufferPj].map(pj).join(', ')],
    ['energy DRAM, static, total (pJ)', [r.energy.dramPj, r.energy.staticPj, r.energy.totalPj].map(pj).join(', ')],
  ]));
  return lines.join('\n');
}

/** The `cost` command: the mapper's choice or a fixed template, as text or JSON. */
export function costCommand(args: CostArgs & { json?: boolean }, table: (head: string[], rows: (string | number)[][]) => string): string {
  if ((args.mapping ?? 'search') === 'search') {
    const r = costOfLayer(args);
    return args.json ? JSON.stringify(r, null, 2) : costText(r, table);
  }
  const r = templateCostOfLayer(args);
  return args.json ? JSON.stringify(r, null, 2) : templateCostText(r, table);
}

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
