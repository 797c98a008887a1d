/**
 * NoP models, chosen by name in the package file (`"nop": {"model": ...}`), like the DRAM
 * registry in sim/hw/dram.ts: replay and traffic build the fabric here.
 *   router  the default: input-buffered routers with credits, cut-through, round-robin
 *           arbitration and injection / ejection ports (sim/hw/nop-router.ts)
 *   link    every directed link is a FIFO server with unlimited space (bandwidth, then hop
 *           latency), store-and-forward per hop: faster, and the analytical model's own terms
 */
import { Engine } from '../engine/engine';
import { Topology } from '../cost/topology';
import { TraceSink } from '../trace/sink';
import { Package } from '../input/types';
import { Fabric } from './fabric';
import { RouterNet } from './nop-router';

type Factory = (engine: Engine, topo: Topology, sink: TraceSink | null, jobs: number) => Fabric;

const MODELS: Record<Package['nop']['model'], Factory> = {
  link: (engine, topo, sink, jobs) => new Fabric(engine, topo, sink, jobs),
  router: (engine, topo, sink, jobs) => {
    const fabric = new Fabric(engine, topo, sink, jobs);
    fabric.setNetwork(new RouterNet(engine, topo, fabric));
    return fabric;
  },
};

/** The fabric (NoP and DRAM channels) of the package's NoP model; `jobs` sizes the per-job accounting. */
export function createFabric(engine: Engine, topo: Topology, sink: TraceSink | null, jobs = 0): Fabric {
  return MODELS[topo.pkg.nop.model](engine, topo, sink, jobs);
}
