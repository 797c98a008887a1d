/** Text tables for the CLI. Numbers are formatted here and nowhere else. */
import { Comparison } from './compare';
import { Energy } from '../cost/energy';
import { PackageComparison } from './packages';

export const ms = (ps: number) => (ps / 1e9).toFixed(4);
export const mj = (pj: number) => (pj / 1e9).toFixed(4);
/** A signed percentage of a fraction with `digits` decimals (0.1234 -> +12.34%); 'n/a' when not finite. */
export const pct = (x: number, digits = 2) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(x * 100).toFixed(digits)}%` : 'n/a');
/** Scientific notation with `digits` decimals (1.2346e-3); 'n/a' when not finite. */
export const sci = (x: number, digits = 4) => (Number.isFinite(x) ? x.toExponential(digits) : 'n/a');

export function table(header: string[], rows: (string | number)[][], alignLeft = 1): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const w = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  return cells
    .map((r) => r.map((c, i) => (i < alignLeft ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ').trimEnd())
    .join('\n');
}

/** A Markdown (GitHub) table: header, separator, rows; no trailing newline. */
export function mdTable(header: readonly (string | number)[], rows: readonly (readonly (string | number)[])[]): string {
  const line = (cells: readonly (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

const relPct = (sim: number, est: number) => (est === 0 ? '' : pct((sim - est) / est));

function energyRows(f: Energy, a: Energy, s: Energy): string[][] {
  const parts: [string, keyof Energy][] = [
    ['  compute (MAC, vector)', 'computePj'], ['  PE registers', 'rfPj'], ['  PE array network', 'arrayPj'], ['  buffer (SRAM)', 'bufferPj'], ['  NoP', 'nopPj'], ['  DRAM', 'dramPj'],
    ['  static (leakage)', 'staticPj'],
  ];
  return [['energy (mJ)', mj(f.totalPj), mj(a.totalPj), mj(s.totalPj), relPct(s.totalPj, a.totalPj), relPct(s.totalPj, f.totalPj)],
    ...parts.map(([n, k]) => [n, mj(f[k]), mj(a[k]), mj(s[k]), relPct(s[k], a[k]), relPct(s[k], f[k])])];
}

/** The three estimates side by side: the paper's closed form, the list schedule, the simulation. */
export function summaryText(c: Comparison): string {
  const f = c.closedForm;
  const rows = [
    ['latency (ms)', ms(f.latencyPs), ms(c.analytical.latencyPs), ms(c.simulated.latencyPs), pct(c.latencyError), pct(f.latencyError)],
    ...energyRows(f.energy, c.analytical.energy, c.simulated.energy),
    ['EDP (J*s)', sci(f.edpJs), sci(c.analytical.edpJs), sci(c.simulated.edpJs), pct(c.edpError), relPct(c.simulated.edpJs, f.edpJs)],
  ];
  return table(['', 'closed form', 'list sched', 'simulated', 'sim vs list', 'sim vs closed'], rows);
}

const usOf = (ps: number) => (ps / 1e6).toFixed(3);
const share = (part: number, whole: number) => (whole === 0 ? '' : ` (${((part / whole) * 100).toFixed(0)}%)`);

/** How much of the closed form's error is per-job cost, pipelining idealisation and contention. */
export function decompositionText(c: Comparison): string {
  const d = c.decomposition;
  const err = d.closedFormErrorPs;
  const abs = Math.abs(d.jobCostPs) + Math.abs(d.pipeliningPs) + Math.abs(d.contentionPs);
  const line = (label: string, ps: number) => `  ${label.padEnd(77)} ${usOf(ps)} us${share(Math.abs(ps), abs)}`;
  return [
    `closed form ${usOf(d.closedFormPs)} us vs simulated ${usOf(d.simulatedPs)} us: error ${err >= 0 ? '+' : ''}${usOf(err)} us (${pct(d.simulatedPs ? err / d.simulatedPs : 0)} of simulated), split into (share of the parts' absolute sum)`,
    line('per-job cost idealisation (communication added to compute, no tile overlap)', d.jobCostPs),
    line('pipelining idealisation (stages x micro-batches formula vs the real order)', d.pipeliningPs),
    line(`contention (list schedule - simulation: queueing on links and DRAM${c.dram ? ', bank timing' : ''})`, d.contentionPs),
  ].join('\n');
}

/** Top resources by queueing delay imposed, with the jobs they delayed most. */
export function resourcesText(c: Comparison, limit = 8): string {
  const rows = c.resources.slice(0, limit).map((r) => [
    r.name, r.kind, usOf(r.busyPs), `${(r.utilization * 100).toFixed(1)}%`, usOf(r.queueDelayPs),
    r.jobs.slice(0, 2).map((j) => `${j.job} ${usOf(j.delayPs)}`).join(', '),
  ]);
  return table(['resource', 'kind', 'busy (us)', 'util', 'queue delay (us)', 'jobs delayed most (us)'], rows, 2).replace(/\s+$/gm, '');
}

/** The jobs whose simulated duration differs most from the list schedule's, with the reason. */
export function worstJobsText(c: Comparison, limit = 8): string {
  const rows = [...c.rows]
    .map((r, i) => ({ r, i, d: r.simulatedPs - r.analyticalPs }))
    .sort((a, b) => Math.abs(b.d) - Math.abs(a.d) || a.i - b.i)
    .slice(0, limit)
    .filter((x) => x.d !== 0 || x.r.queueDelayPs > 0);
  if (rows.length === 0) return 'every job took exactly its list-schedule time';
  return rows.map(({ r, d }) => `${r.job} on ${r.chiplet}: ${usOf(r.analyticalPs)} -> ${usOf(r.simulatedPs)} us (${pct(r.error)}): ${r.reason}`).join('\n');
}

/** Per window: closed form, list schedule and simulation (windows are barriers). */
export function windowsText(c: Comparison): string {
  return table(['window', 'closed form (us)', 'list sched (us)', 'simulated (us)'], c.windows.map((w) => [w.window, usOf(w.closedFormPs), usOf(w.listPs), usOf(w.simulatedPs)]));
}

/** Everything validate says about why the estimates differ. */
export function explanationText(c: Comparison, limit = 8): string {
  const parts = [decompositionText(c), '', windowsText(c), '', `resources by queueing delay imposed (top ${Math.min(limit, c.resources.length)} of ${c.resources.length}):`, resourcesText(c, limit), '', `jobs with the largest error (simulated vs list schedule):`, worstJobsText(c, limit)];
  if (c.dram) parts.push('', `banked DRAM: ${Object.entries(c.dram).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  return parts.join('\n');
}

export function jobsText(c: Comparison, limit = Infinity): string {
  const rows = c.rows.slice(0, limit).map((r) => [
    r.job, r.chiplet, r.dataflow, r.tiles, (r.utilization * 100).toFixed(1), (r.closedFormPs / 1e6).toFixed(3), (r.analyticalPs / 1e6).toFixed(3), (r.simulatedPs / 1e6).toFixed(3), pct(r.error),
    (r.queueDelayPs / 1e6).toFixed(3), r.topResource ?? '',
  ]);
  return table(['job', 'chiplet', 'df', 'tiles', 'util%', 'closed (us)', 'list (us)', 'sim (us)', 'sim vs list', 'queued (us)', 'most at'], rows);
}

export function jobsCsv(c: Comparison): string {
  const head = 'job,chiplet,dataflow,tiles,utilization,analytical_ps,simulated_ps,error,closed_form_ps,ready_ps,start_ps,end_ps,wait_producers_ps,queue_delay_ps,top_resource,top_resource_delay_ps,compute_ps,store_ps';
  return [head, ...c.rows.map((r) => [
    r.job, r.chiplet, r.dataflow, r.tiles, r.utilization, r.analyticalPs, r.simulatedPs, r.error, r.closedFormPs, r.readyPs, r.startPs, r.endPs,
    r.waitProducersPs, r.queueDelayPs, r.topResource ?? '', r.topResourceDelayPs, r.computePs, r.storePs,
  ].join(','))].join('\n') + '\n';
}

/** Scenario x package table (EDP in J*s, simulated; analytical in brackets) and the averages. */
export function comparisonText(r: PackageComparison, markdown: boolean): string {
  const pkgs = r.scenarios[0]?.results.map((x) => x.package) ?? [];
  const homs = Object.keys(r.scenarios[0]?.edpReductionVs ?? {});
  const header = ['scenario', ...pkgs.map((p) => `${p} EDP`), 'best het', 'best hom', 'vs best hom (sim)', 'vs best hom (ana)', 'vs best hom (closed)', ...homs.map((h) => `vs ${h} (sim)`)];
  const rows = r.scenarios.map((s) => [
    s.scenario, ...s.results.map((x) => sci(x.simulated.edpJs)), s.bestHeterogeneous, s.bestHomogeneous,
    pct(s.edpReductionSimulated), pct(s.edpReductionAnalytical), pct(s.edpReductionClosedForm), ...homs.map((h) => pct(s.edpReductionVs[h])),
  ]);
  const avg = r.averages.map((a) => [`mean ${a.kind} (${a.scenarios})`, ...pkgs.map(() => ''), '', '', pct(a.edpReductionSimulated), pct(a.edpReductionAnalytical), pct(a.edpReductionClosedForm), ...homs.map((h) => pct(a.edpReductionVs[h]))]);
  const gaps = r.scenarios.flatMap((s) =>
    s.results.flatMap((x) => {
      const g = x.gap;
      if (!g) return [];
      if ('skipped' in g) return [`${s.scenario} on ${x.package}: no exhaustive reference (${g.skipped})`];
      return [`${s.scenario} on ${x.package}: SCAR ${sci(g.scarEdpJs)} vs exhaustive ${sci(g.exhaustiveEdpJs)} J*s (sum of window EDPs), gap ${pct(g.gap)}${g.capped ? ' (exhaustive search capped)' : ''}`];
    }),
  );
  let text: string;
  if (markdown) text = mdTable(header, [...rows, ...avg]);
  else text = table(header, [...rows, ...avg]);
  return [`strategy ${r.strategy}, seed ${r.seed}; EDP in J*s (simulated); reduction = 1 - EDP(best heterogeneous) / EDP(homogeneous)`, text, ...gaps].join('\n');
}
