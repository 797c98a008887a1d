/** Text and Markdown tables of a SCAR reproduction, shaped like the paper's Tables IV, V and VI. */
import { mdTable, pct as pctOf, sci as sciOf, table } from './format';
import { Affinity } from './affinity';
import { PAPER, SCAR_STRATEGIES, SCAR_STRATEGIES_6X6, scarAverages, ScarReport, ScenarioReport, StrategyKey } from './reproduce';

const LABEL: Record<StrategyKey, string> = {
  standalone_nvd: 'Standalone (NVD)', standalone_shi: 'Standalone (Shi)', simba_nvd: 'Simba (NVD)', simba_shi: 'Simba (Shi)',
  het_cb: 'Het-CB', het_sides: 'Het-Sides', het_cross: 'Het-Cross',
};

const sig = (x: number) => (Number.isFinite(x) ? x.toPrecision(4) : 'n/a');
// One digit less than the CLI's other tables: the paper's tables are this precise.
const sci = (x: number) => sciOf(x, 3);
const pct = (x: number) => pctOf(x, 1);
const ratio = (x: number) => (Number.isFinite(x) ? `${x.toFixed(3)}x` : 'n/a');

function render(header: string[], rows: (string | number)[][], md: boolean): string {
  return md ? mdTable(header, rows) : table(header, rows);
}

const sid = (s: ScenarioReport) => `${s.id}`;

const MAPPING_LABEL: Record<ScarReport['mapping'], string> = {
  templates: 'MAESTRO templates: NVD chiplets kcp_ws, Shi chiplets yxp_os, as the paper',
  search: 'the per-layer mapper',
};

export function reproduceText(r: ScarReport, md: boolean): string {
  const h = (t: string) => (md ? `### ${t}\n` : t);
  const out: string[] = [];
  const settings = `mapping ${r.mapping} (${MAPPING_LABEL[r.mapping]}), objective ${r.objective}, seed ${r.seed}, Het-Sides with ${r.sides === 'nvd' ? 'NVD' : 'Shi'} on the sides, SLOs ${r.slo ? 'enforced' : 'reported only'}; figures are the analytical estimate of each schedule unless marked simulated`;
  if (r.grid === '6x6') {
    const s = r.scenarios[0];
    out.push(h('6x6, scenario 4 (Het-Cross vs Simba)'), settings, '');
    out.push(render(['strategy', 'latency (s)', 'EDP (J*s)', 'simulated latency (s)', 'simulated EDP (J*s)', 'contention delta'],
      SCAR_STRATEGIES_6X6.map((k) => {
        const f = s.strategies[k]!;
        return [LABEL[k], sig(f.latencyS), sci(f.edpJs), sig(f.simulatedLatencyS), sci(f.simulatedEdpJs), pct(f.simulatedLatencyS / f.latencyS - 1)];
      }), md));
    const e = r.edpOverHetCross!;
    out.push('', render(['EDP over Het-Cross', 'this model', 'simulated', 'paper'], [
      ['Simba (Shi)', ratio(e.simbaShi), ratio(e.simulatedSimbaShi), `${PAPER.grid6.simbaShiOverHetCross}x`],
      ['Simba (NVD)', ratio(e.simbaNvd), ratio(e.simulatedSimbaNvd), `${PAPER.grid6.simbaNvdOverHetCross}x`],
    ], md));
    return out.join('\n') + '\n';
  }
  const dc = r.scenarios.filter((s) => s.kind === 'datacenter');
  const ar = r.scenarios.filter((s) => s.kind === 'arvr');
  out.push(settings, '');
  out.push(h('Table IV (datacenter): latency (s) and EDP (J*s)'));
  out.push(render(['strategy', ...dc.flatMap((s) => [`S${sid(s)} latency`, `S${sid(s)} EDP`])],
    SCAR_STRATEGIES.map((k) => [LABEL[k], ...dc.flatMap((s) => [sig(s.strategies[k]!.latencyS), sci(s.strategies[k]!.edpJs)])]), md));
  out.push('', md ? 'The paper\'s Table IV (EDP search):' : 'paper (Table IV, EDP search):', '');
  out.push(render(['strategy', ...dc.flatMap((s) => [`S${sid(s)} latency`, `S${sid(s)} EDP`])],
    SCAR_STRATEGIES.map((k) => [LABEL[k], ...dc.flatMap((s) => [String(PAPER.tables[s.id].latency[k]), String(PAPER.tables[s.id].edp[k])])]), md));
  out.push('', h('Table V (AR/VR): latency and EDP relative to Standalone (NVD)'));
  out.push(render(['strategy', ...ar.flatMap((s) => [`S${sid(s)} latency`, `S${sid(s)} EDP`])],
    SCAR_STRATEGIES.map((k) => [LABEL[k], ...ar.flatMap((s) => {
      const f = s.strategies[k]!;
      const b = s.strategies.standalone_nvd!;
      return [ratio(f.latencyS / b.latencyS), ratio(f.edpJs / b.edpJs)];
    })]), md));
  out.push('', md ? 'The paper\'s Table V (EDP search):' : 'paper (Table V, EDP search):', '');
  out.push(render(['strategy', ...ar.flatMap((s) => [`S${sid(s)} latency`, `S${sid(s)} EDP`])],
    SCAR_STRATEGIES.map((k) => [LABEL[k], ...ar.flatMap((s) => [`${PAPER.tables[s.id].latency[k]}x`, `${PAPER.tables[s.id].edp[k]}x`])]), md));
  out.push('', h('Het-Sides EDP reduction, averaged the paper\'s way (mean over scenarios of 1 - EDP(Het-Sides) / EDP(Simba))'));
  out.push(averagesTable(r, md));
  if (r.agreement) {
    out.push('', h('Agreement with the paper\'s Tables IV and V (strategies ranked by EDP; Het-Sides vs Simba (NVD))'));
    out.push(agreementTable([r], md));
  }
  out.push('', h('Contention delta: simulated vs analytical latency'));
  out.push(render(['scenario', ...SCAR_STRATEGIES.map((k) => LABEL[k])],
    r.scenarios.map((s) => [`${s.id} ${s.name}`, ...SCAR_STRATEGIES.map((k) => pct(s.strategies[k]!.simulatedLatencyS / s.strategies[k]!.latencyS - 1))]), md));
  if (r.table6) {
    const t = r.table6;
    out.push('', h('Table VI: scenario 4 on Het-Sides, latency per window (s), SCAR\'s estimate'));
    out.push(render(['model', ...t.windowIds.map((w) => `W${w}`), 'busy', 'done at', 'layers'], [
      ...t.models.map((m) => [m.model, ...m.windowS.map(sig), sig(m.busyS), sig(m.doneAtS), m.layers]),
      ['window', ...t.windowS.map(sig), '', sig(t.scenarioS), t.layers],
    ], md));
    const p = PAPER.table6;
    out.push('', md ? 'The paper\'s Table VI:' : 'paper (Table VI):', '');
    out.push(render(['model', ...p.windows.map((_, w) => `W${w}`), 'busy', 'done at', 'layers'], [
      ...p.models.map((m) => [m.model, ...m.windows.map(String), String(m.busy), String(m.doneAt), m.layers]),
      ['window', ...p.windows.map(String), '', String(p.scenarioS), p.models.reduce((a, m) => a + m.layers, 0)],
    ], md));
  }
  const withSlo = r.slos.filter((x) => x.models.some((m) => m.latencySloMs));
  if (withSlo.length) {
    out.push('', h('Latency SLOs: models done within their SLO (simulated), and the latest completion'));
    const ids = [...new Set(withSlo.map((x) => x.id))];
    out.push(render(['scenario', ...SCAR_STRATEGIES.map((k) => LABEL[k])], ids.map((id) => [String(id), ...SCAR_STRATEGIES.map((k) => {
      const x = withSlo.find((y) => y.id === id && y.key === k);
      if (!x) return '-';
      const ms = x.models.filter((m) => m.latencySloMs);
      return `${ms.filter((m) => m.met).length}/${ms.length}, ${Math.max(...ms.map((m) => m.simulatedMs)).toFixed(0)} ms`;
    })]), md));
  }
  const warnings = r.slos.flatMap((x) => x.warnings);
  if (warnings.length) out.push('', `${warnings.length} scheduler warning(s) (printed on stderr).`);
  out.push('', `CPU time: ${r.cpuSeconds.toFixed(1)} s, all threads (scheduling, estimating and simulating ${r.slos.length} runs).`);
  return out.join('\n') + '\n';
}

/**
 * Per scenario and profile: Kendall tau-b of the six strategies ranked by EDP against the
 * paper's table, and whether Het-Sides beats Simba (NVD) on EDP (yes / no; paper's in the last column).
 */
export function agreementTable(reports: readonly ScarReport[], md: boolean): string {
  const rs = reports.filter((r) => r.agreement);
  if (rs.length === 0) return '';
  const many = rs.length > 1;
  const tag = (r: ScarReport, what: string) => (many ? `${what}, ${r.mapping}` : what);
  const yes = (b: boolean) => (b ? 'yes' : 'no');
  const ids = rs[0].agreement!.kendallTau.map((t) => t.id);
  const rows: string[][] = ids.map((id) => [
    String(id),
    ...rs.map((r) => (r.agreement!.kendallTau.find((t) => t.id === id)!.tau).toFixed(2)),
    ...rs.map((r) => yes(r.agreement!.hetSidesVsSimbaNvd.find((x) => x.id === id)!.ours)),
    yes(rs[0].agreement!.hetSidesVsSimbaNvd.find((x) => x.id === id)!.paper),
  ]);
  rows.push([
    'all',
    ...rs.map((r) => `mean ${r.agreement!.meanKendallTau.toFixed(2)}`),
    ...rs.map((r) => `${r.agreement!.signMatches} of ${ids.length} as the paper`),
    '',
  ]);
  return render(['scenario', ...rs.map((r) => tag(r, 'Kendall tau')), ...rs.map((r) => tag(r, 'Het-Sides beats Simba (NVD)')), 'paper: Het-Sides beats Simba (NVD)'], rows, md);
}

/**
 * `--mapping both`: each profile's full report, then the comparisons side by side with the
 * paper: the abstract's averages, the agreement of rankings and signs, Het-Sides over Simba
 * (NVD) per scenario.
 */
export function reproduceBothText(reports: readonly ScarReport[], md: boolean): string {
  const h = (t: string) => (md ? `## ${t}\n` : `== ${t} ==\n`);
  const out: string[] = [];
  for (const r of reports) out.push(h(`mapping: ${r.mapping}`), reproduceText(r, md));
  out.push(h('Side by side'), sideBySideText(reports, md));
  return out.join('\n');
}

/** The profiles' headline figures next to each other and to the paper's. */
export function sideBySideText(reports: readonly ScarReport[], md: boolean): string {
  const out: string[] = [];
  if (reports[0].grid === '6x6') {
    out.push(render(['EDP over Het-Cross', ...reports.map((r) => r.mapping), 'paper'], [
      ['Simba (Shi)', ...reports.map((r) => ratio(r.edpOverHetCross!.simbaShi)), `${PAPER.grid6.simbaShiOverHetCross}x`],
      ['Simba (NVD)', ...reports.map((r) => ratio(r.edpOverHetCross!.simbaNvd)), `${PAPER.grid6.simbaNvdOverHetCross}x`],
    ], md));
    return out.join('\n') + '\n';
  }
  const kinds = (['datacenter', 'arvr'] as const).filter((k) => reports[0].averages[k]);
  out.push(render(['Het-Sides EDP reduction', ...reports.map((r) => r.mapping), 'paper'], kinds.flatMap((k) => {
    const label = k === 'datacenter' ? 'datacenter (1-5)' : 'AR/VR (6-10)';
    const paper = paperAverages()[k];
    return [
      [`${label} vs Simba (NVD)`, ...reports.map((r) => pct(r.averages[k].vsSimbaNvd)), pct(paper.vsSimbaNvd)],
      [`${label} vs Simba (Shi)`, ...reports.map((r) => pct(r.averages[k].vsSimbaShi)), pct(paper.vsSimbaShi)],
      [`${label} mean`, ...reports.map((r) => pct(r.averages[k].mean)), pct(PAPER.averages[k].mean)],
    ];
  }), md));
  out.push('', agreementTable(reports, md));
  out.push('', render(['scenario', ...reports.map((r) => `EDP Het-Sides / Simba (NVD), ${r.mapping}`), 'paper'], reports[0].scenarios.map((s) => [
    `${s.id} ${s.name}`,
    ...reports.map((r) => {
      const x = r.scenarios.find((y) => y.id === s.id)!.strategies;
      return ratio(x.het_sides!.edpJs / x.simba_nvd!.edpJs);
    }),
    ratio(PAPER.tables[s.id].edp.het_sides / PAPER.tables[s.id].edp.simba_nvd),
  ]), md));
  return out.join('\n') + '\n';
}

/** The abstract's averages recomputed from the paper's own Tables IV and V (they agree with the abstract). */
export function paperAverages() {
  return scarAverages(Object.entries(PAPER.tables).map(([id, t]) => ({ kind: Number(id) <= 5 ? 'datacenter' : 'arvr', edp: t.edp })));
}

/** The abstract's averages next to the paper's. */
export function averagesTable(r: ScarReport, md: boolean): string {
  return render(['scenarios', 'vs Simba (NVD)', 'vs Simba (Shi)', 'mean', 'mean, simulated', 'paper (mean)'],
    (['datacenter', 'arvr'] as const).filter((k) => r.averages[k]).map((k) => [
      k === 'datacenter' ? 'datacenter (1-5)' : 'AR/VR (6-10)', pct(r.averages[k].vsSimbaNvd), pct(r.averages[k].vsSimbaShi), pct(r.averages[k].mean),
      pct(r.simulatedAverages[k].mean), pct(PAPER.averages[k].mean),
    ]), md);
}

/** Per scenario and strategy: SLOs met and EDP, without and with the SLO filter. */
export function sloComparisonTable(free: ScarReport, held: ScarReport, md: boolean): string {
  const met = (r: ScarReport, id: number, k: StrategyKey) => {
    const ms = r.slos.find((x) => x.id === id && x.key === k)?.models.filter((m) => m.latencySloMs) ?? [];
    return `${ms.filter((m) => m.met).length}/${ms.length}`;
  };
  return render(['scenario', ...SCAR_STRATEGIES.map((k) => LABEL[k])], held.scenarios.map((s) => [
    String(s.id),
    ...SCAR_STRATEGIES.map((k) => {
      const f = free.scenarios.find((x) => x.id === s.id)!.strategies[k]!;
      const g = s.strategies[k]!;
      return `${met(free, s.id, k)} -> ${met(held, s.id, k)}, EDP ${ratio(g.edpJs / f.edpJs)}`;
    }),
  ]), md);
}

/** Het-Sides' averages under what-if changes to the constants the paper does not give. */
export function sensitivityTable(rows: readonly { label: string; averages: ScarReport['averages'] }[], md: boolean): string {
  return render(['package constants', 'datacenter vs NVD', 'datacenter vs Shi', 'datacenter mean', 'AR/VR vs NVD', 'AR/VR vs Shi', 'AR/VR mean'],
    rows.map((r) => [r.label, ...(['datacenter', 'arvr'] as const).flatMap((k) => [pct(r.averages[k].vsSimbaNvd), pct(r.averages[k].vsSimbaShi), pct(r.averages[k].mean)])]), md);
}

/** Per scenario: how much per-layer dataflow choice could gain (report/affinity.ts). */
export function affinityTable(rows: readonly { id: number; name: string; a: Affinity }[], md: boolean): string {
  return render(['scenario', 'MACs faster on Shi', 'Shi / NVD latency', 'best of both / NVD latency', 'Shi / NVD dynamic energy'],
    rows.map((r) => [`${r.id} ${r.name}`, pct(r.a.shiFasterMacShare).replace('+', ''), ratio(r.a.shiOverNvdLatency), ratio(r.a.bestOfBothOverNvd), ratio(r.a.shiOverNvdEnergy)]), md);
}
