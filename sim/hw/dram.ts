/**
 * DRAM timing models, chosen by name in the package file (`"dram": {"model": ...}`), after
 * Ramulator 2's registry: a new model is a new file registered here, nothing else changes.
 *   channel  the default: every channel is one of the Fabric's FIFO servers (bandwidth, then
 *            latency), the same model as the analytical estimate; no component is created
 *   banked   sim/hw/dram-banked.ts: banks, rows, FR-FCFS, refresh, per-command energy
 */
import { Engine } from '../engine/engine';
import { Package } from '../input/types';
import { Topology } from '../cost/topology';
import { Energy } from '../cost/energy';
import { Fabric } from './fabric';
import { BankedChannel } from './dram-banked';

/** A DRAM model attached to the fabric's DRAM channels. */
export interface DramModel {
  /** The simulated energy with this model's DRAM energy in place of the pJ/bit one. */
  energy(base: Energy, makespanPs: number): Energy;
  /** Counters for reports (row hits, activates, ...), summed over the channels. */
  stats(): Record<string, number>;
  /** The same counters per channel, in package order. */
  channelStats(): Record<string, number>[];
}

type Factory = (pkg: Package, engine: Engine, fabric: Fabric, topo: Topology) => DramModel | null;

const MODELS: Record<Package['dram']['model'], Factory> = {
  channel: () => null,
  banked: (pkg, engine, fabric, topo) => {
    const channels = topo.resources.filter((r) => r.kind === 'dram').map((r) => {
      const ch = new BankedChannel(pkg.dram.banked!, engine, fabric, r.index);
      fabric.setServer(r.index, ch);
      return ch;
    });
    return {
      energy(base, makespanPs) {
        const dramPj = channels.reduce((s, c) => s + c.energyPj(makespanPs), 0);
        const dynamicPj = base.dynamicPj - base.dramPj + dramPj;
        return { ...base, dramPj, dynamicPj, totalPj: dynamicPj + base.staticPj };
      },
      stats() {
        const out: Record<string, number> = {};
        for (const c of channels) for (const [k, v] of Object.entries(c.stats)) out[k] = (out[k] ?? 0) + v;
        return out;
      },
      channelStats: () => channels.map((c) => ({ ...c.stats })),
    };
  },
};

export function createDramModel(pkg: Package, engine: Engine, fabric: Fabric, topo: Topology): DramModel | null {
  return MODELS[pkg.dram.model](pkg, engine, fabric, topo);
}
