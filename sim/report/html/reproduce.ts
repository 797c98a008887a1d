/**
 * The HTML report of `mcmsim reproduce scar`: EDP per scenario and strategy normalised to Simba
 * (NVD) as the paper's figures do, mcmsim's averages beside the paper's published ones, and the
 * latency-energy plane. The paper's figures are its analytical model's, so these plots use
 * mcmsim's analytical estimate; the simulated figures are in the tables and the averages plot.
 */
import { PAPER, ScarReport, StrategyKey } from '../reproduce';
import { normalise, paretoFlags } from './data';
import { groupedBars, planeFacets } from './charts';
import { HtmlReport, ReportMeta, Section } from './page';

export const STRATEGY_LABELS: Record<StrategyKey, string> = {
  standalone_nvd: 'Standalone NVD', standalone_shi: 'Standalone Shi', simba_nvd: 'Simba NVD', simba_shi: 'Simba Shi',
  het_cb: 'Het-CB', het_sides: 'Het-Sides', het_cross: 'Het-Cross',
};

const KIND_LABEL: Record<string, string> = { datacenter: 'datacenter (1-5)', arvr: 'AR/VR (6-10)' };

export function reproduceRows(r: ScarReport) {
  const raw = r.scenarios.flatMap((s) => Object.entries(s.strategies).map(([k, f]) => ({
    group: `${s.id}: ${s.name}`, series: STRATEGY_LABELS[k as StrategyKey], value: f!.edpJs,
    latencyMs: f!.latencyS * 1e3, energyMj: f!.energyJ * 1e3, simulatedEdpJs: f!.simulatedEdpJs, simulatedLatencyMs: f!.simulatedLatencyS * 1e3,
  })));
  const norm = normalise(raw, STRATEGY_LABELS.simba_nvd);
  const front = paretoFlags(raw.map((x) => ({ group: x.group, series: x.series, latency: x.latencyMs, energy: x.energyMj })));
  return norm.map((x, i) => ({
    scenario: x.group, strategy: x.series, edpJs: x.value, edpVsSimbaNvd: x.normalised, simulatedEdpJs: x.simulatedEdpJs,
    latencyMs: x.latencyMs, simulatedLatencyMs: x.simulatedLatencyMs, energyMj: x.energyMj, front: front[i],
  }));
}

/** mcmsim's averages beside the paper's: EDP reduction of Het-Sides (3x3), or EDP of each Simba over Het-Cross (6x6). */
export function paperRows(r: ScarReport): { what: string; source: string; value: number }[] {
  if (r.grid === '6x6') {
    const e = r.edpOverHetCross;
    if (!e) return [];
    return [
      { what: 'Simba Shi / Het-Cross', source: 'paper', value: PAPER.grid6.simbaShiOverHetCross },
      { what: 'Simba Shi / Het-Cross', source: 'mcmsim (analytical)', value: e.simbaShi },
      { what: 'Simba Shi / Het-Cross', source: 'mcmsim (simulated)', value: e.simulatedSimbaShi },
      { what: 'Simba NVD / Het-Cross', source: 'paper', value: PAPER.grid6.simbaNvdOverHetCross },
      { what: 'Simba NVD / Het-Cross', source: 'mcmsim (analytical)', value: e.simbaNvd },
      { what: 'Simba NVD / Het-Cross', source: 'mcmsim (simulated)', value: e.simulatedSimbaNvd },
    ];
  }
  return Object.keys(r.averages).flatMap((kind) => {
    const paper = (PAPER.averages as Record<string, { mean: number }>)[kind]?.mean;
    const what = KIND_LABEL[kind] ?? kind;
    return [
      ...(paper !== undefined ? [{ what, source: 'paper', value: paper }] : []),
      { what, source: 'mcmsim (analytical)', value: r.averages[kind].mean },
      { what, source: 'mcmsim (simulated)', value: r.simulatedAverages[kind].mean },
    ];
  });
}

export function reproduceSections(r: ScarReport): Section[] {
  const rows = reproduceRows(r);
  const six = r.grid === '6x6';
  const paper = paperRows(r);
  return [
    {
      id: 'paper',
      title: six ? 'EDP of each Simba package over Het-Cross (6x6): mcmsim beside the paper' : 'Average EDP reduction of Het-Sides over Simba: mcmsim beside the paper',
      caption: six
        ? 'Scenario 4 on the 6x6 packages: EDP of Simba over Het-Cross (above 1: Het-Cross is better), the paper\'s published ratios (Section V) beside mcmsim\'s analytical and simulated ones.'
        : 'Per scenario kind, the mean over its scenarios of 1 - EDP(Het-Sides) / EDP(Simba), averaged over Simba NVD and Simba Shi, as the paper\'s abstract reports it (29.6% AR/VR, 27.6% datacenter), beside mcmsim\'s analytical and simulated figures.',
      spec: groupedBars({ rows: paper, group: 'what', groupTitle: six ? 'ratio' : 'scenario kind', series: 'source', seriesTitle: 'source', value: 'value', valueTitle: six ? 'EDP ratio (x)' : 'mean EDP reduction (fraction; 0.2 = 20%)', reference: six ? 1 : 0 }),
      table: { columns: [{ key: 'what', title: six ? 'ratio' : 'scenario kind' }, { key: 'source', title: 'source' }, { key: 'value', title: six ? 'ratio (x)' : 'EDP reduction', format: six ? 3 : 'pct' }], rows: paper },
    },
    {
      id: 'edp',
      title: 'EDP per scenario and strategy, relative to Simba NVD',
      caption: 'Analytical EDP (as the paper computes it) of each strategy divided by Simba NVD\'s on the same scenario; bars go down from the dashed line at 1 where the strategy beats Simba NVD (Simba NVD itself is the line). Simulated EDPs are in the table.',
      spec: groupedBars({ rows, group: 'scenario', groupTitle: 'scenario (Table III)', series: 'strategy', seriesTitle: 'strategy', value: 'edpVsSimbaNvd', valueTitle: 'EDP / EDP of Simba NVD (analytical)', reference: 1, tooltip: ['edpJs', 'simulatedEdpJs'] }),
      table: {
        columns: [
          { key: 'scenario', title: 'scenario' }, { key: 'strategy', title: 'strategy' }, { key: 'edpJs', title: 'EDP ana (J*s)' }, { key: 'edpVsSimbaNvd', title: 'EDP / Simba NVD' },
          { key: 'simulatedEdpJs', title: 'EDP sim (J*s)' },
        ],
        rows,
      },
    },
    {
      id: 'plane',
      title: 'Latency and energy per scenario, with the Pareto front',
      caption: 'Each point is a strategy\'s schedule (analytical latency and energy); outlined points joined by the dashed line are the Pareto front of the scenario. Axes are per panel.',
      spec: planeFacets({ rows, group: 'scenario', series: 'strategy', seriesTitle: 'strategy', x: 'latencyMs', xTitle: 'latency (ms)', y: 'energyMj', yTitle: 'energy (mJ)' }),
      table: {
        columns: [
          { key: 'scenario', title: 'scenario' }, { key: 'strategy', title: 'strategy' }, { key: 'latencyMs', title: 'latency ana (ms)' }, { key: 'simulatedLatencyMs', title: 'latency sim (ms)' },
          { key: 'energyMj', title: 'energy (mJ)' }, { key: 'front', title: 'Pareto front' },
        ],
        rows,
      },
    },
  ];
}

/** One report per mapping profile (`--mapping both` gives two: each one's sections, titled by its profile). */
export function reproduceReport(reports: readonly ScarReport[], meta: ReportMeta): HtmlReport {
  const r = reports[0];
  const many = reports.length > 1;
  return {
    title: `mcmsim reproduce scar (${r.grid}): SCAR, Odema et al., MICRO 2024`,
    meta: { ...meta, extra: [['mapping', reports.map((x) => x.mapping).join(', ')], ['grid', r.grid], ['objective', r.objective], ['Het-Sides sides', r.sides], ['SLOs enforced', String(r.slo)], ...(meta.extra ?? [])] },
    sections: reports.flatMap((x) => reproduceSections(x).map((s) => (many ? { ...s, id: `${x.mapping}-${s.id}`, title: `${s.title} (mapping: ${x.mapping})` } : s))),
  };
}
