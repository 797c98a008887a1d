/** The HTML report of `mcmsim compare`: EDP normalised to a baseline package, and the latency-energy plane. */
import { PackageComparison } from '../packages';
import { normalise, paretoFlags } from './data';
import { closeCaption, groupedBars, planeFacets } from './charts';
import { HtmlReport, ReportMeta, Section } from './page';

/** The baseline: the package asked for, else the first homogeneous one, else the first. */
export function defaultBaseline(r: PackageComparison, asked?: string): string {
  const names = [...new Set(r.scenarios.flatMap((s) => s.results.map((x) => x.package)))];
  if (asked !== undefined) {
    if (!names.includes(asked)) throw new RangeError(`baseline "${asked}" is not one of the compared packages (${names.join(', ')})`);
    return asked;
  }
  return r.scenarios[0]?.results.find((x) => !x.heterogeneous)?.package ?? names[0] ?? '';
}

/** Simulated figures of every scenario on every package, in ms, mJ and J*s, with the derived columns. */
export function compareRows(r: PackageComparison, baseline: string) {
  const raw = r.scenarios.flatMap((s) => s.results.map((x) => ({
    group: s.scenario, series: x.package, kind: s.kind, value: x.simulated.edpJs,
    latencyMs: x.simulated.latencyPs / 1e9, energyMj: x.simulated.energyPj / 1e9, analyticalEdpJs: x.analytical.edpJs, closedFormEdpJs: x.closedForm.edpJs,
  })));
  const norm = normalise(raw, baseline);
  const front = paretoFlags(raw.map((x) => ({ group: x.group, series: x.series, latency: x.latencyMs, energy: x.energyMj })));
  return norm.map((x, i) => ({
    scenario: x.group, package: x.series, kind: x.kind, edpJs: x.value, edpVsBaseline: x.normalised, analyticalEdpJs: x.analyticalEdpJs, closedFormEdpJs: x.closedFormEdpJs,
    latencyMs: x.latencyMs, energyMj: x.energyMj, front: front[i],
  }));
}

export function compareSections(r: PackageComparison, baseline: string): Section[] {
  const rows = compareRows(r, baseline);
  const hasBoth = r.scenarios.some((s) => Number.isFinite(s.edpReductionSimulated));
  return [
    {
      id: 'edp',
      title: `EDP per scenario, relative to ${baseline}`,
      caption: `Simulated energy-delay product of each scenario on each package divided by ${baseline}'s on the same scenario: bars go down from the dashed line at 1 where a package beats ${baseline} and up where it loses (${baseline} itself is the line).`,
      spec: groupedBars({ rows, group: 'scenario', groupTitle: 'scenario', series: 'package', seriesTitle: 'package', value: 'edpVsBaseline', valueTitle: `EDP / EDP of ${baseline} (simulated)`, reference: 1, tooltip: ['edpJs'] }),
      table: {
        columns: [
          { key: 'scenario', title: 'scenario' }, { key: 'kind', title: 'kind' }, { key: 'package', title: 'package' },
          { key: 'edpJs', title: 'EDP simulation (J*s)' }, { key: 'edpVsBaseline', title: `EDP / ${baseline}` },
          { key: 'analyticalEdpJs', title: 'EDP list schedule (J*s)' }, { key: 'closedFormEdpJs', title: 'EDP closed form (J*s)' },
        ],
        rows,
      },
    },
    {
      id: 'plane',
      title: 'Latency and energy per scenario, with the Pareto front',
      caption: 'Each point is a package (simulated latency and energy of the scenario), relative to the panel\'s fastest and most frugal package (1.01 = 1 % more); outlined points joined by the dashed line are the Pareto front: no other package is faster and more frugal at once. Axes are per panel, logarithmic where a panel spans 2x or more; a panel whose packages differ by less than 1 % on both axes names them in its header. Absolute values are in the table.' + closeCaption(rows, 'scenario', 'package', 'latencyMs', 'energyMj'),
      spec: planeFacets({ rows, group: 'scenario', series: 'package', seriesTitle: 'package', x: 'latencyMs', xTitle: 'latency (ms)', y: 'energyMj', yTitle: 'energy (mJ)' }),
      table: {
        columns: [
          { key: 'scenario', title: 'scenario' }, { key: 'package', title: 'package' }, { key: 'latencyMs', title: 'latency (ms)' },
          { key: 'energyMj', title: 'energy (mJ)' }, { key: 'front', title: 'Pareto front' },
        ],
        rows,
      },
    },
    {
      id: 'reduction',
      title: 'EDP reduction of the best heterogeneous package over the best homogeneous one',
      caption: hasBoth
        ? '1 - EDP(best heterogeneous) / EDP(best homogeneous) per scenario, by each of the three estimates of the same schedules (the closed form, the list schedule, the simulation); positive: heterogeneous wins.'
        : 'Needs at least one heterogeneous and one homogeneous package among the compared ones: no plot.',
      spec: hasBoth ? groupedBars({
        rows: r.scenarios.flatMap((s) => [
          { scenario: s.scenario, estimate: 'closed form', reduction: s.edpReductionClosedForm },
          { scenario: s.scenario, estimate: 'list schedule', reduction: s.edpReductionAnalytical },
          { scenario: s.scenario, estimate: 'simulation', reduction: s.edpReductionSimulated },
        ]),
        group: 'scenario', groupTitle: 'scenario', series: 'estimate', seriesTitle: 'estimate', value: 'reduction', valueTitle: 'EDP reduction (fraction; 0.2 = 20%)', reference: 0,
      }) : null,
      table: {
        columns: [
          { key: 'scenario', title: 'scenario' }, { key: 'kind', title: 'kind' }, { key: 'bestHeterogeneous', title: 'best het.' }, { key: 'bestHomogeneous', title: 'best hom.' },
          { key: 'edpReductionClosedForm', title: 'closed form', format: 'pct' }, { key: 'edpReductionAnalytical', title: 'list schedule', format: 'pct' }, { key: 'edpReductionSimulated', title: 'simulation', format: 'pct' },
        ],
        rows: r.scenarios.map((s) => ({
          scenario: s.scenario, kind: s.kind, bestHeterogeneous: s.bestHeterogeneous, bestHomogeneous: s.bestHomogeneous,
          edpReductionClosedForm: s.edpReductionClosedForm, edpReductionAnalytical: s.edpReductionAnalytical, edpReductionSimulated: s.edpReductionSimulated,
        })),
      },
    },
  ];
}

export function compareReport(r: PackageComparison, meta: ReportMeta, baseline?: string): HtmlReport {
  const base = defaultBaseline(r, baseline);
  return { title: 'mcmsim compare: packages across scenarios', meta: { ...meta, extra: [['strategy', r.strategy], ['baseline', base], ...(meta.extra ?? [])] }, sections: compareSections(r, base) };
}
