/**
 * `mcmsim explore --html`: the latency-energy plane of every evaluated design with the Pareto
 * front and the references, the layouts of the top K and references as small coloured grids,
 * and EDP against the references.
 */
import { ExploreReport, refLabel, refName, ReportRow } from '../explore';
import { HtmlReport, ReportMeta, Section } from './page';
import { axisFormat } from './charts';
import { scaleType } from './data';

export function exploreHtml(r: ExploreReport, meta: ReportMeta): HtmlReport {
  const refs = r.references.map((x) => ({ ...x, label: refLabel(x) }));
  const tops = r.top.map((x, i) => ({ ...x, label: `#${i + 1}` }));
  const plane = [
    ...r.points.map((p) => ({ design: p.key, series: p.front ? 'Pareto front' : 'design', latencyS: p.latencyS, energyJ: p.energyJ, edpJs: p.edpJs })),
    ...refs.map((x) => ({ design: x.label, series: x.label, latencyS: x.latencyS, energyJ: x.energyJ, edpJs: x.edpJs })),
  ];
  const lat = plane.map((p) => p.latencyS);
  const en = plane.map((p) => p.energyJ);
  const scale = (v: number[]) => (scaleType(v) === 'log' ? { type: 'log' } : { zero: false });
  const series = ['design', 'Pareto front', ...refs.map((x) => x.label)];
  const planeSection: Section = {
    id: 'front',
    title: 'Designs on the latency-energy plane',
    caption: `Every evaluated design (weighted geometric mean over the scenarios, the schedule's estimate); the Pareto front and the references (${refs.map((x) => x.label).join(', ')}) marked. Lower left is better.`,
    spec: {
      width: 520, height: 400,
      data: { values: plane },
      mark: { type: 'point', filled: true, opacity: 0.8 },
      encoding: {
        // Front and references drawn larger: they sit among hundreds of designs.
        size: { condition: { test: "datum.series !== 'design'", value: 130 }, value: 35 },
        x: { field: 'latencyS', type: 'quantitative', title: 'latency (s)', scale: scale(lat), axis: axisFormat(lat) },
        y: { field: 'energyJ', type: 'quantitative', title: 'energy (J)', scale: scale(en), axis: axisFormat(en) },
        color: { field: 'series', type: 'nominal', title: 'design', scale: { domain: series } },
        shape: { field: 'series', type: 'nominal', title: 'design', scale: { domain: series } },
        tooltip: [{ field: 'design' }, { field: 'latencyS' }, { field: 'energyJ' }, { field: 'edpJs' }],
      },
    },
    table: {
      columns: [{ key: 'layout', title: 'layout (front, by latency)' }, { key: 'edp', title: 'EDP (J·s)' }, { key: 'lat', title: 'latency (s)' }, { key: 'en', title: 'energy (J)' }, { key: 'pes', title: 'PEs', format: 'int' }],
      rows: r.front.map((x) => ({ layout: x.layout.join('/'), edp: x.edpJs, lat: x.latencyS, en: x.energyJ, pes: x.pes })),
    },
  };
  const shown = [...tops, ...refs];
  const cells = shown.flatMap((x) => x.layout.flatMap((line, row) => [...line].map((letter, col) => ({ design: x.label, row, col, kind: kindName(r, letter) }))));
  const layoutSection: Section = {
    id: 'layouts',
    title: 'Layouts of the top designs and the references',
    caption: 'One small grid per design, a cell per chiplet coloured by its kind (row 0 at the top).',
    spec: {
      data: { values: cells },
      facet: { field: 'design', type: 'nominal', title: null, sort: shown.map((x) => x.label) },
      columns: 6,
      spec: {
        width: 16 * Math.max(...shown.map((x) => x.layout[0]?.length ?? 1)), height: 16 * Math.max(...shown.map((x) => x.layout.length)),
        mark: { type: 'rect', stroke: 'white' },
        encoding: {
          x: { field: 'col', type: 'ordinal', axis: null },
          y: { field: 'row', type: 'ordinal', axis: null },
          color: { field: 'kind', type: 'nominal', title: 'chiplet kind' },
          tooltip: [{ field: 'design' }, { field: 'kind' }, { field: 'row' }, { field: 'col' }],
        },
      },
    },
    table: {
      columns: [{ key: 'design', title: 'design' }, { key: 'layout', title: 'layout' }, { key: 'edp', title: 'EDP (J·s)' }, { key: 'sim', title: 'simulated EDP (J·s)' }, { key: 'delta', title: 'contention', format: 'pct' }],
      rows: shown.map((x) => ({ design: x.label, layout: x.layout.join('/'), edp: x.edpJs, sim: x.sim?.edpJs ?? null, delta: x.sim ? x.sim.edpJs / x.edpJs - 1 : null })),
    },
  };
  const base = refs[0];
  const bars = shown.map((x: ReportRow & { label: string }) => ({ design: x.label, what: 'estimate', value: base ? x.edpJs / base.edpJs : NaN }))
    .concat(shown.filter((x) => x.sim && base?.sim).map((x) => ({ design: x.label, what: 'simulated', value: x.sim!.edpJs / base.sim!.edpJs })));
  const edpSection: Section = {
    id: 'edp',
    title: `EDP against ${base ? base.label : 'the best homogeneous design'}`,
    caption: 'EDP of each top design and reference over the first reference\'s (estimate, and simulated for the top K and references); below 1 is better.',
    spec: {
      width: 520, height: { step: 14 },
      data: { values: bars },
      mark: { type: 'bar' },
      encoding: {
        y: { field: 'design', type: 'nominal', title: null, sort: shown.map((x) => x.label) },
        yOffset: { field: 'what' },
        x: { field: 'value', type: 'quantitative', title: `EDP / EDP of ${base?.label ?? 'reference'}` },
        color: { field: 'what', type: 'nominal', title: 'figure' },
        tooltip: [{ field: 'design' }, { field: 'what' }, { field: 'value' }],
      },
    },
    table: {
      columns: [{ key: 'design', title: 'design' }, ...refs.map((x) => ({ key: x.label, title: `EDP / ${x.label}` }))],
      rows: shown.map((x) => ({ design: x.label, ...Object.fromEntries(refs.map((ref) => [ref.label, x.vs[refName(ref)] ?? null])) })),
    },
  };
  return {
    title: `mcmsim explore: ${r.name}`,
    meta: { ...meta, extra: [['grid', r.grid], ['kinds', r.kinds.map((k) => `${k.letter}=${k.name}`).join(', ')], ['strategy', r.strategy], ['objective', r.objective], ['mapping', r.mapping], ['search', `${r.mode}, ${r.evaluated} designs`], ...(meta.extra ?? [])] },
    sections: [planeSection, layoutSection, edpSection],
  };
}

function kindName(r: ExploreReport, letter: string): string {
  const k = r.kinds.find((x) => x.letter === letter);
  return k ? `${k.name} (${k.dataflow})` : letter;
}
