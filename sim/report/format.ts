/** Text tables for the CLI. Numbers are formatted here and nowhere else. */
import { Comparison } from './compare';
import { Energy } from '../cost/energy';
import { PackageComparison } from './packages';

export const ms = (ps: number) => (ps / 1e9).toFixed(4);
export const mj = (pj: number) => (pj / 1e9).toFixed(4);
export const pct = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)}%` : 'n/a');
export const sci = (x: number) => x.toExponential(4);

export function table(header: string[], rows: (string | number)[][], alignLeft = 1): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const w = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  return cells
    .map((r) => r.map((c, i) => (i < alignLeft ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ').trimEnd())
    .join('\n');
}

function energyRows(a: Energy, s: Energy): string[][] {
  const parts: [string, keyof Energy][] = [
    ['  compute (MAC, vector)', 'computePj'], ['  PE registers', 'rfPj'], ['  PE array network', 'arrayPj'], ['  buffer (SRAM)', 'bufferPj'], ['  NoP', 'nopPj'], ['  DRAM', 'dramPj'],
    ['  static (leakage)', 'staticPj'],
  ];
  return [['energy (mJ)', mj(a.totalPj), mj(s.totalPj), pct((s.totalPj - a.totalPj) / a.totalPj)],
    ...parts.map(([n, k]) => [n, mj(a[k]), mj(s[k]), a[k] === 0 ? '' : pct((s[k] - a[k]) / a[k])])];
}

export function summaryText(c: Comparison): string {
  const rows = [
    ['latency (ms)', ms(c.analytical.latencyPs), ms(c.simulated.latencyPs), pct(c.latencyError)],
    ...energyRows(c.analytical.energy, c.simulated.energy),
    ['EDP (J*s)', sci(c.analytical.edpJs), sci(c.simulated.edpJs), pct(c.edpError)],
  ];
  return table(['', 'analytical', 'simulated', 'sim vs ana'], rows);
}

export function jobsText(c: Comparison, limit = Infinity): string {
  const rows = c.rows.slice(0, limit).map((r) => [
    r.job, r.chiplet, r.dataflow, r.tiles, (r.utilization * 100).toFixed(1), (r.analyticalPs / 1e6).toFixed(3), (r.simulatedPs / 1e6).toFixed(3), pct(r.error),
  ]);
  return table(['job', 'chiplet', 'df', 'tiles', 'util%', 'ana (us)', 'sim (us)', 'error'], rows);
}

export function jobsCsv(c: Comparison): string {
  const head = 'job,chiplet,dataflow,tiles,utilization,analytical_ps,simulated_ps,error';
  return [head, ...c.rows.map((r) => [r.job, r.chiplet, r.dataflow, r.tiles, r.utilization, r.analyticalPs, r.simulatedPs, r.error].join(','))].join('\n') + '\n';
}

/** Scenario x package table (EDP in J*s, simulated; analytical in brackets) and the averages. */
export function comparisonText(r: PackageComparison, markdown: boolean): string {
  const pkgs = r.scenarios[0]?.results.map((x) => x.package) ?? [];
  const homs = Object.keys(r.scenarios[0]?.edpReductionVs ?? {});
  const header = ['scenario', ...pkgs.map((p) => `${p} EDP`), 'best het', 'best hom', 'vs best hom (sim)', 'vs best hom (ana)', ...homs.map((h) => `vs ${h} (sim)`)];
  const rows = r.scenarios.map((s) => [
    s.scenario, ...s.results.map((x) => sci(x.simulated.edpJs)), s.bestHeterogeneous, s.bestHomogeneous,
    pct(s.edpReductionSimulated), pct(s.edpReductionAnalytical), ...homs.map((h) => pct(s.edpReductionVs[h])),
  ]);
  const avg = r.averages.map((a) => [`mean ${a.kind} (${a.scenarios})`, ...pkgs.map(() => ''), '', '', pct(a.edpReductionSimulated), pct(a.edpReductionAnalytical), ...homs.map((h) => pct(a.edpReductionVs[h]))]);
  const gaps = r.scenarios.flatMap((s) =>
    s.results.flatMap((x) => {
      const g = x.gap;
      if (!g) return [];
      if ('skipped' in g) return [`${s.scenario} on ${x.package}: no exhaustive reference (${g.skipped})`];
      return [`${s.scenario} on ${x.package}: SCAR ${sci(g.scarEdpJs)} vs exhaustive ${sci(g.exhaustiveEdpJs)} J*s (sum of window EDPs), gap ${pct(g.gap)}${g.capped ? ' (exhaustive search capped)' : ''}`];
    }),
  );
  let text: string;
  if (markdown) {
    const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
    text = [line(header), line(header.map(() => '---')), ...rows.map(line), ...avg.map(line)].join('\n');
  } else {
    text = table(header, [...rows, ...avg]);
  }
  return [`strategy ${r.strategy}, seed ${r.seed}; EDP in J*s (simulated); reduction = 1 - EDP(best heterogeneous) / EDP(homogeneous)`, text, ...gaps].join('\n');
}
