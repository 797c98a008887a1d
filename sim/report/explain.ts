/**
 * Why the estimates differ from the simulation. Three estimates of one schedule:
 *   closed form   the paper's formula (sim/cost/closedform.ts)
 *   list schedule the contention-free replay of the same program (sim/cost/estimate.ts)
 *   simulation    the discrete-event replay (sim/hw/replay.ts)
 * The closed form's latency error splits exactly into three parts:
 *   per-job cost     CF(closed-form job latencies) - CF(list-schedule job latencies): adding
 *                    communication to compute instead of overlapping them tile by tile
 *   pipelining       CF(list-schedule job latencies) - list schedule: the formula's stages,
 *                    micro-batches and barriers against the real dependencies and chiplet order
 *   contention       list schedule - simulation: queueing on NoP links and DRAM channels
 *                    (and, with the banked DRAM model, what banks, rows and refresh add)
 * where CF(x) is the pipeline formula over the schedule's stages with job latencies x.
 * Per resource and per job, the queueing delays measured by the simulator (Contention).
 */
import { Program } from '../cost/program';
import { Estimate } from '../cost/estimate';
import { SimResult } from '../hw/replay';
import { closedForm, ClosedFormWindow, pipelineFormula } from '../cost/closedform';
import { edpJs, Energy } from '../cost/energy';
import { ResourceKind } from '../cost/topology';

export interface ResourceRow {
  name: string;
  kind: ResourceKind;
  busyPs: number;
  utilization: number;
  /** Queueing delay this resource imposed on other transfers' packets, ps. */
  queueDelayPs: number;
  /** The jobs it delayed most, with their delay here. */
  jobs: { job: string; delayPs: number }[];
}

export interface JobBreakdown {
  /** When its producers had ended and its window was open. */
  readyPs: number;
  startPs: number;
  endPs: number;
  /** Its chiplet sat idle waiting for its producers or window, ps. */
  waitProducersPs: number;
  /** Waiting in queues behind other transfers, ps, and where most of it was. */
  queueDelayPs: number;
  topResource: string | null;
  topResourceDelayPs: number;
  /** Every resource it waited at, ps. */
  waitByResource: Record<string, number>;
  computePs: number;
  /** From its last compute to its end: writing outputs to DRAM, ps. */
  storePs: number;
  /** Its duration in the closed form and the list schedule, ps. */
  closedFormPs: number;
  listPs: number;
}

export interface Decomposition {
  closedFormPs: number;
  listPs: number;
  simulatedPs: number;
  /** closedForm - simulated = jobCost + pipelining + contention. */
  closedFormErrorPs: number;
  jobCostPs: number;
  pipeliningPs: number;
  contentionPs: number;
}

export interface WindowRow {
  window: number;
  closedFormPs: number;
  listPs: number;
  simulatedPs: number;
}

export interface Explanation {
  closedForm: { latencyPs: number; energy: Energy; edpJs: number; windows: ClosedFormWindow[] };
  decomposition: Decomposition;
  windows: WindowRow[];
  /** Every NoP link and DRAM channel, by queueing delay imposed (largest first). */
  resources: ResourceRow[];
  jobs: JobBreakdown[];
  dram: Record<string, number> | null;
}

/** Span of each window: from the end of the previous windows to the end of its last job. */
function windowSpans(prog: Program, endOf: (i: number) => number): number[] {
  const ends = new Array<number>(Math.max(1, prog.windows)).fill(0);
  for (const j of prog.jobs) ends[j.window] = Math.max(ends[j.window], endOf(j.index));
  let prev = 0;
  return ends.map((e) => {
    const span = Math.max(0, e - prev);
    prev = Math.max(prev, e);
    return span;
  });
}

export function explain(prog: Program, est: Estimate, sim: SimResult): Explanation {
  const cf = closedForm(prog, est.energy);
  const listJobPs = est.jobs.map((j) => j.endPs - j.startPs);
  const cfOnList = pipelineFormula(prog, listJobPs).latencyPs;
  const decomposition: Decomposition = {
    closedFormPs: cf.latencyPs, listPs: est.makespanPs, simulatedPs: sim.makespanPs,
    closedFormErrorPs: cf.latencyPs - sim.makespanPs,
    jobCostPs: cf.latencyPs - cfOnList, pipeliningPs: cfOnList - est.makespanPs, contentionPs: est.makespanPs - sim.makespanPs,
  };
  const cfWin = new Map(cf.windows.map((w) => [w.window, w.latencyPs]));
  const listSpans = windowSpans(prog, (i) => est.jobs[i].endPs);
  const simSpans = windowSpans(prog, (i) => sim.jobs[i].endPs);
  const windows = listSpans.map((l, w) => ({ window: w, closedFormPs: cfWin.get(w) ?? 0, listPs: l, simulatedPs: simSpans[w] }));

  const topo = prog.topology;
  const ct = sim.contention;
  const span = Math.max(1, sim.makespanPs);
  // One scan of the (job, resource) delays, by job then resource: each resource's victims in
  // job order, each job's waits in resource order.
  const victimsOf: { job: string; delayPs: number }[][] = topo.resources.map(() => []);
  const waitsOf: { r: number; delayPs: number }[][] = prog.jobs.map(() => []);
  ct.jobResourceDelayPs.forEach((j, r, d) => {
    if (d <= 0) return;
    victimsOf[r].push({ job: prog.jobs[j].name, delayPs: d });
    waitsOf[j].push({ r, delayPs: d });
  });
  const resources: ResourceRow[] = topo.resources.map((r) => {
    const victims = victimsOf[r.index];
    victims.sort((a, b) => b.delayPs - a.delayPs || (a.job < b.job ? -1 : 1));
    return {
      name: r.name, kind: r.kind, busyPs: sim.resourceBusyPs[r.index], utilization: sim.resourceBusyPs[r.index] / span,
      queueDelayPs: ct.resourceQueueDelayPs[r.index], jobs: victims.slice(0, 5),
    };
  });
  resources.sort((a, b) => b.queueDelayPs - a.queueDelayPs || b.busyPs - a.busyPs || (a.name < b.name ? -1 : 1));

  const jobs: JobBreakdown[] = prog.jobs.map((job, i) => {
    let top = -1;
    let topD = 0;
    const waitByResource: Record<string, number> = {};
    for (const { r, delayPs: d } of waitsOf[i]) {
      waitByResource[topo.resources[r].name] = d;
      if (d > topD) {
        topD = d;
        top = r;
      }
    }
    const plan = job.plan;
    const t = sim.jobs[i];
    return {
      readyPs: ct.jobReadyPs[i], startPs: t.startPs, endPs: t.endPs,
      waitProducersPs: Math.max(0, ct.jobReadyPs[i] - ct.jobChipletFreePs[i]),
      queueDelayPs: ct.jobQueueDelayPs[i], topResource: top >= 0 ? topo.resources[top].name : null, topResourceDelayPs: topD, waitByResource,
      computePs: plan.tiles * plan.cyclesPerTile * Math.round(1e6 / plan.kind.clockMHz),
      storePs: job.storePath ? Math.max(0, t.endPs - ct.jobLastComputeEndPs[i]) : 0,
      closedFormPs: cf.jobPs[i], listPs: listJobPs[i],
    };
  });
  return {
    closedForm: { latencyPs: cf.latencyPs, energy: cf.energy, edpJs: edpJs(cf.energy.totalPj, cf.latencyPs), windows: cf.windows },
    decomposition, windows, resources, jobs, dram: ct.dram,
  };
}

/**
 * One sentence on why a job's simulated time differs from the list schedule's: its own run
 * (queueing, by resource) and its start (producers or its chiplet's previous job ending late).
 */
export function jobReason(b: JobBreakdown, listStartPs: number, us: (ps: number) => string): string {
  const parts: string[] = [];
  const extra = b.endPs - b.startPs - b.listPs;
  if (b.queueDelayPs > 0 && b.topResource) {
    const others = Object.keys(b.waitByResource).length - 1;
    parts.push(`queued ${us(b.queueDelayPs)} behind other transfers, most at ${b.topResource} (${us(b.topResourceDelayPs)})${others > 0 ? ` and ${others} other resource(s)` : ''}`);
  } else if (extra > 0) {
    parts.push(`ran ${us(extra)} longer with no queueing of its own (DRAM bank timing)`);
  }
  const late = b.startPs - listStartPs;
  if (late > 0) parts.push(b.waitProducersPs > 0 ? `started ${us(late)} late: its producers ended late` : `started ${us(late)} late: its chiplet's previous job ended late`);
  return parts.length ? parts.join('; ') : 'as estimated';
}
