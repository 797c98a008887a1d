/**
 * Energy from event counts. Both the analytical model and the simulator fill a Counts record
 * (integers: MACs, vector ops, register-file, array-network and buffer bytes per chiplet, from
 * each job's LayerPlan via addPlanCounts; bytes served per NoP link / DRAM channel) and call
 * energyOf(), so for one schedule their dynamic energy agrees exactly.
 *
 *   compute = sum_chiplets macs * macEnergyPj + vectorOps * vectorOpEnergyPj
 *   rf      = sum_chiplets rfBytes * rfEnergyPjPerByte            (PE registers / scratchpads)
 *   array   = sum_chiplets arrayBytes * arrayEnergyPjPerByte      (deliveries to PEs)
 *   buffer  = sum_chiplets bufferBytes * bufferEnergyPjPerByte    (global buffer, L2)
 *   nop     = sum_links bytes * 8 * energyPjPerBit      (bytes per link = byte-hops)
 *   dram    = sum_channels bytes * 8 * energyPjPerBit
 *   static  = sum_chiplets staticPowerMw * makespan_ns   (1 mW x 1 ns = 1 pJ)
 */
import { Package } from '../input/types';
import { Topology } from './topology';
import { LayerPlan } from './plan';

export interface Counts {
  readonly macs: Float64Array;
  readonly vectorOps: Float64Array;
  readonly bufferBytes: Float64Array;
  readonly rfBytes: Float64Array;
  readonly arrayBytes: Float64Array;
  /** Bytes served per resource (topology.resources order). */
  readonly resourceBytes: Float64Array;
}

export interface Energy {
  computePj: number;
  rfPj: number;
  arrayPj: number;
  bufferPj: number;
  nopPj: number;
  dramPj: number;
  staticPj: number;
  dynamicPj: number;
  totalPj: number;
}

export function newCounts(topology: Topology): Counts {
  const n = topology.nChiplets;
  return {
    macs: new Float64Array(n),
    vectorOps: new Float64Array(n),
    bufferBytes: new Float64Array(n),
    rfBytes: new Float64Array(n),
    arrayBytes: new Float64Array(n),
    resourceBytes: new Float64Array(topology.resources.length),
  };
}

/** Adds one job's on-chip event counts (from its plan) to its chiplet. */
export function addPlanCounts(c: Counts, chiplet: number, plan: LayerPlan): void {
  c.macs[chiplet] += plan.macs;
  c.vectorOps[chiplet] += plan.vectorOps;
  c.bufferBytes[chiplet] += plan.bufferAccessBytes;
  c.rfBytes[chiplet] += plan.rfAccessBytes;
  c.arrayBytes[chiplet] += plan.arrayAccessBytes;
}

/**
 * One job's on-chip dynamic energy, pJ: compute (MACs, vector ops), PE registers, array network
 * and global buffer, from its plan's counts (the chiplet terms of energyOf, for one job).
 */
export function planEnergyPj(plan: LayerPlan): { computePj: number; rfPj: number; arrayPj: number; bufferPj: number } {
  const k = plan.kind;
  return {
    computePj: plan.macs * k.macEnergyPj + plan.vectorOps * k.vectorOpEnergyPj,
    rfPj: plan.rfAccessBytes * k.rfEnergyPjPerByte,
    arrayPj: plan.arrayAccessBytes * k.arrayEnergyPjPerByte,
    bufferPj: plan.bufferAccessBytes * k.bufferEnergyPjPerByte,
  };
}

export function energyOf(pkg: Package, topology: Topology, c: Counts, makespanPs: number): Energy {
  let computePj = 0;
  let bufferPj = 0;
  let rfPj = 0;
  let arrayPj = 0;
  let staticPj = 0;
  for (const ch of pkg.chiplets) {
    const k = ch.kind;
    computePj += c.macs[ch.index] * k.macEnergyPj + c.vectorOps[ch.index] * k.vectorOpEnergyPj;
    bufferPj += c.bufferBytes[ch.index] * k.bufferEnergyPjPerByte;
    rfPj += c.rfBytes[ch.index] * k.rfEnergyPjPerByte;
    arrayPj += c.arrayBytes[ch.index] * k.arrayEnergyPjPerByte;
    staticPj += (k.staticPowerMw * makespanPs) / 1000;
  }
  let nopPj = 0;
  let dramPj = 0;
  for (const r of topology.resources) {
    const pj = c.resourceBytes[r.index] * 8 * r.energyPjPerBit;
    if (r.kind === 'link') nopPj += pj;
    else dramPj += pj;
  }
  const dynamicPj = computePj + rfPj + arrayPj + bufferPj + nopPj + dramPj;
  return { computePj, rfPj, arrayPj, bufferPj, nopPj, dramPj, staticPj, dynamicPj, totalPj: dynamicPj + staticPj };
}

/** Energy-delay product in J*s (pJ * ps * 1e-24). */
export function edpJs(energyPj: number, timePs: number): number {
  return energyPj * timePs * 1e-24;
}
