/**
 * `mcmsim explore`: the data a design-space run produces (results lines, the report) and its
 * formatting as text and JSON. Pure functions of the results; sim/experiments/explore.ts runs.
 *
 * A design's figures are weighted geometric means over the spec's scenarios,
 *   latency = exp(sum_i w_i ln latency_i / sum_i w_i), energy likewise,
 * so EDP = latency x energy holds for the aggregate as for one scenario, and every scenario
 * counts by its relative change: an arithmetic mean would let the scenario with the largest
 * absolute latency (GPT-L's seconds against a CNN's milliseconds) decide alone.
 */
import { ObjectiveName } from '../sched/objective';
import { table } from './format';

/** One scenario's figures for a design: the schedule's estimate, and the simulation when run. */
export interface ScenarioFigures {
  latencyPs: number;
  energyPj: number;
  simLatencyPs?: number;
  simEnergyPj?: number;
}

/** One evaluated design or baseline package: one line of a results file. */
export interface DesignResult {
  explore: string;
  /** Strategy, objective, seed, mapping and SCAR options the figures were made with. */
  config: string;
  /** The design's canonical key (explore-space.ts), or "baseline:<package name>". */
  key: string;
  layout: string[];
  homogeneous: boolean;
  pes: number;
  bufferBytes: number;
  scenarios: ScenarioFigures[];
  latencyS: number;
  energyJ: number;
  edpJs: number;
  error?: string;
}

export interface Aggregate {
  latencyS: number;
  energyJ: number;
  edpJs: number;
}

export function aggregate(figs: readonly { latencyPs: number; energyPj: number }[], weights: readonly number[]): Aggregate {
  const wsum = weights.reduce((a, b) => a + b, 0);
  const geo = (xs: number[]) => Math.exp(xs.reduce((a, x, i) => a + weights[i] * Math.log(x), 0) / wsum);
  const latencyS = geo(figs.map((f) => f.latencyPs)) / 1e12;
  const energyJ = geo(figs.map((f) => f.energyPj)) / 1e12;
  return { latencyS, energyJ, edpJs: latencyS * energyJ };
}

export function score(a: Aggregate, objective: ObjectiveName): number {
  return objective === 'latency' ? a.latencyS : objective === 'energy' ? a.energyJ : a.edpJs;
}

/** Best first by the objective; ties by key, so the order never depends on arrival. */
export function ranked<T extends Aggregate & { key: string }>(rs: readonly T[], objective: ObjectiveName): T[] {
  return [...rs].sort((a, b) => score(a, objective) - score(b, objective) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * The designs no other design dominates: no worse in latency, energy and (when they vary over
 * the designs) total PEs and buffer bytes, better in one. Equal points are all kept.
 */
export function paretoFront<T extends DesignResult>(rs: readonly T[]): T[] {
  const pesVary = new Set(rs.map((r) => r.pes)).size > 1;
  const bufVary = new Set(rs.map((r) => r.bufferBytes)).size > 1;
  const axes = (r: T) => [r.latencyS, r.energyJ, ...(pesVary ? [r.pes] : []), ...(bufVary ? [r.bufferBytes] : [])];
  const pts = rs.map(axes);
  return rs.filter((_, i) => !pts.some((q, j) => j !== i && q.every((v, a) => v <= pts[i][a]) && q.some((v, a) => v < pts[i][a])));
}

export interface ReportRow extends Aggregate {
  key: string;
  layout: string[];
  pes: number;
  bufferBytes: number;
  /** Simulated aggregate (top K and references only). */
  sim?: Aggregate;
  /** EDP over each reference's EDP (estimate). */
  vs: Record<string, number>;
}

export interface ExploreReport {
  name: string;
  spec: string;
  grid: string;
  kinds: { letter: string; name: string; dataflow: string }[];
  scenarios: { name: string; weight: number }[];
  strategy: string;
  objective: ObjectiveName;
  seed: string;
  mapping: string;
  mode: 'exhaustive' | 'evolutionary';
  /** Designs before symmetry and budget, canonical designs within budget (exhaustive), evaluated. */
  spaceSize: number;
  canonical?: number;
  evaluated: number;
  /** References: the best homogeneous design and each baseline package. */
  references: ReportRow[];
  front: ReportRow[];
  top: ReportRow[];
  /** Every evaluated design on the latency-energy plane (the HTML plot). */
  points: { key: string; latencyS: number; energyJ: number; edpJs: number; front: boolean }[];
  /** Keys of the top K by the estimate and by the simulation. */
  estimateOrder: string[];
  simulatedOrder: string[];
  errors: { key: string; error: string }[];
}

function row(r: DesignResult, refs: readonly DesignResult[], objective: ObjectiveName, sim?: Aggregate): ReportRow {
  return {
    key: r.key, layout: r.layout, pes: r.pes, bufferBytes: r.bufferBytes, latencyS: r.latencyS, energyJ: r.energyJ, edpJs: r.edpJs,
    ...(sim ? { sim } : {}),
    vs: Object.fromEntries(refs.map((b) => [refName(b), score(r, objective) / score(b, objective)])),
  };
}

export const refName = (r: { key: string }) => (r.key.startsWith('baseline:') ? r.key.slice('baseline:'.length) : `best homogeneous (${r.key.split('/')[0][0]})`);

/** Simulated aggregate of a result whose scenarios were simulated, else undefined. */
export function simulatedAggregate(r: DesignResult, weights: readonly number[]): Aggregate | undefined {
  if (!r.scenarios.every((s) => s.simLatencyPs !== undefined)) return undefined;
  return aggregate(r.scenarios.map((s) => ({ latencyPs: s.simLatencyPs!, energyPj: s.simEnergyPj! })), weights);
}

/**
 * The report from every evaluated result (designs and baselines) and the simulated results of
 * the top K and references (`simulated`, by key).
 */
export function buildReport(
  head: Omit<ExploreReport, 'references' | 'front' | 'top' | 'points' | 'estimateOrder' | 'simulatedOrder' | 'errors' | 'evaluated'>,
  results: readonly DesignResult[],
  simulated: ReadonlyMap<string, DesignResult>,
  topK: number,
): ExploreReport {
  const weights = head.scenarios.map((s) => s.weight);
  const ok = results.filter((r) => !r.error);
  const designs = ok.filter((r) => !r.key.startsWith('baseline:'));
  const baselines = ok.filter((r) => r.key.startsWith('baseline:'));
  const bestHomog = ranked(designs.filter((r) => r.homogeneous), head.objective)[0];
  const refs = [...(bestHomog ? [bestHomog] : []), ...baselines];
  const simOf = (key: string) => {
    const s = simulated.get(key);
    return s ? simulatedAggregate(s, weights) : undefined;
  };
  const top = ranked(designs, head.objective).slice(0, topK);
  const front = paretoFront(designs);
  const topRows = top.map((r) => row(r, refs, head.objective, simOf(r.key)));
  const simRanked = topRows.filter((r) => r.sim).map((r) => ({ key: r.key, ...r.sim! }));
  return {
    ...head,
    evaluated: designs.length,
    references: refs.map((r) => row(r, refs, head.objective, simOf(r.key))),
    front: ranked(front, 'latency').map((r) => row(r, refs, head.objective)),
    top: topRows,
    points: ranked(designs, head.objective).map((r) => ({ key: r.key, latencyS: r.latencyS, energyJ: r.energyJ, edpJs: r.edpJs, front: front.includes(r) })),
    estimateOrder: top.map((r) => r.key),
    simulatedOrder: ranked(simRanked, head.objective).map((r) => r.key),
    errors: results.filter((r) => r.error).map((r) => ({ key: r.key, error: r.error! })),
  };
}

const sig = (x: number, d = 4) => (Number.isFinite(x) ? x.toPrecision(d) : String(x));
const pct = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '' : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)}%`);
const ratio = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '' : x.toFixed(3));

/** Layouts side by side as small grids of letters, each under its label. */
export function drawLayouts(items: readonly { label: string; layout: string[] }[], gap = 4): string {
  const w = items.map((it) => Math.max(it.label.length, ...it.layout.map((l) => l.length * 2 - 1)));
  const height = Math.max(...items.map((it) => it.layout.length));
  const lines = [items.map((it, i) => it.label.padEnd(w[i])).join(' '.repeat(gap))];
  for (let r = 0; r < height; r++) lines.push(items.map((it, i) => [...(it.layout[r] ?? '')].join(' ').padEnd(w[i])).join(' '.repeat(gap)));
  return lines.map((l) => l.trimEnd()).join('\n');
}

export function exploreText(r: ExploreReport): string {
  const out: string[] = [];
  const obj = r.objective === 'edp' ? 'EDP' : r.objective;
  out.push(`explore ${r.name}: ${r.grid} grid, kinds ${r.kinds.map((k) => `${k.letter}=${k.name} (${k.dataflow})`).join(', ')}; ${r.strategy} schedule, ${r.objective} objective, mapping ${r.mapping}, seed ${r.seed}`);
  out.push(`space: ${r.spaceSize} designs before symmetry and budget${r.canonical !== undefined ? `, ${r.canonical} canonical within budget` : ''}; ${r.mode} search evaluated ${r.evaluated}`);
  out.push(`scenarios (weight): ${r.scenarios.map((s) => `${s.name} (${s.weight})`).join(', ')}`);
  out.push('figures: weighted geometric means over the scenarios of the schedule\'s estimate; EDP = latency x energy');
  const refNames = r.references.map((x) => refLabel(x));
  const head = ['rank', 'layout', 'EDP J*s', 'latency s', 'energy J', ...refNames.map((n) => `${obj} / ${n}`), 'sim EDP J*s', 'contention'];
  const line = (x: ReportRow, label: string) => [
    label, x.layout.join('/'), sig(x.edpJs), sig(x.latencyS), sig(x.energyJ),
    ...r.references.map((ref) => ratio(x.vs[refName(ref)])),
    x.sim ? sig(x.sim.edpJs) : '', x.sim ? pct(x.sim.edpJs / x.edpJs - 1) : '',
  ];
  out.push('');
  out.push(`top ${r.top.length} by ${obj} (then simulated: contention = simulated / estimated EDP - 1)`);
  out.push(table(head, [...r.top.map((x, i) => line(x, String(i + 1))), ...r.references.map((x) => line(x, refLabel(x)))], 2));
  out.push('');
  out.push(drawLayouts([...r.top.map((x, i) => ({ label: `#${i + 1}`, layout: x.layout })), ...r.references.map((x) => ({ label: refLabel(x), layout: x.layout }))]));
  out.push('');
  const same = r.estimateOrder.length === r.simulatedOrder.length && r.estimateOrder.every((k, i) => k === r.simulatedOrder[i]);
  if (r.simulatedOrder.length) {
    out.push(same ? `simulation confirms the estimate's order of the top ${r.top.length}` : `simulated order of the top ${r.top.length}: ${r.simulatedOrder.map((k) => '#' + (r.estimateOrder.indexOf(k) + 1)).join(' ')} (estimate: #1..#${r.top.length})`);
    out.push('');
  }
  out.push(`Pareto front in latency and energy${r.front.some((f) => f.pes !== r.front[0].pes) ? ', PEs' : ''}${r.front.some((f) => f.bufferBytes !== r.front[0].bufferBytes) ? ', buffer' : ''} (${r.front.length} designs, by latency)`);
  out.push(table(['layout', 'EDP J*s', 'latency s', 'energy J', 'PEs', 'buffer MiB', ...refNames.map((n) => `${obj} / ${n}`)], r.front.map((x) => [
    x.layout.join('/'), sig(x.edpJs), sig(x.latencyS), sig(x.energyJ), x.pes, (x.bufferBytes / 2 ** 20).toFixed(1), ...r.references.map((ref) => ratio(x.vs[refName(ref)])),
  ])));
  for (const e of r.errors) out.push(`error: ${e.key}: ${e.error}`);
  return out.join('\n') + '\n';
}

export function refLabel(x: ReportRow): string {
  return x.key.startsWith('baseline:') ? x.key.slice('baseline:'.length) : `homog ${x.key.split('/')[0][0]}`;
}
