/** Text tables for the CLI. Numbers are formatted here and nowhere else. */
import { Comparison } from './compare';
import { Energy } from '../cost/energy';
import { PackageComparison } from './packages';

export const ms = (ps: number) => (ps / 1e9).toFixed(4);
export const mj = (pj: number) => (pj / 1e9).toFixed(4);
/** A signed percentage of a fraction with `digits` decimals (0.1234 -> +12.34%); 'n/a' when not finite. */
export const pct = (x: number, digits = 2) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(x * 100).toFixed(digits)}%` : 'n/a');
/** An unsigned percentage (of a magnitude, e.g. a mean of absolute errors): 0.1234 -> 12.34%; 'n/a' when not finite. */
export const upct = (x: number, digits = 2) => (Number.isFinite(x) ? `${(Math.abs(x) * 100).toFixed(digits)}%` : 'n/a');

/**
 * The three estimates of one schedule, named the same in every table, JSON document and plot:
 * the paper's closed form, the contention-free list schedule, and the discrete-event simulation.
 * Relative errors always have the estimate as their base: (simulation - estimate) / estimate.
 */
export const ESTIMATES = { closedForm: 'closed form', listSchedule: 'list schedule', simulation: 'simulation' } as const;
export const RELATIVE_ERROR_NOTE = 'relative errors: (simulation - estimate) / estimate';

/** Scientific notation with `digits` decimals (1.2346e-3); 'n/a' when not finite. */
export const sci = (x: number, digits = 4) => (Number.isFinite(x) ? x.toExponential(digits) : 'n/a');

export function table(header: string[], rows: (string | number)[][], alignLeft = 1): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const w = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  return cells
    .map((r) => r.map((c, i) => (i < alignLeft ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ').trimEnd())
    .join('\n');
}

/** Terminal width text tables fit by default (`--wide` lifts it). */
export const TEXT_WIDTH = 100;

const widthOf = (text: string) => Math.max(0, ...text.split('\n').map((l) => l.length));

/**
 * A text table that fits `maxWidth` columns: while it is too wide, the columns of the lowest
 * `priority` left are left out together (a group such as every package's EDP goes as one);
 * columns of priority Infinity always stay.
 * Returns the table and the titles of the columns left out, for a footnote.
 */
export function fitTable(header: string[], rows: (string | number)[][], priority: number[], maxWidth = TEXT_WIDTH, alignLeft = 1): { text: string; hidden: string[] } {
  let keep = header.map((_, i) => i);
  const render = (cols: number[]) => table(cols.map((i) => header[i]), rows.map((r) => cols.map((i) => r[i])), cols.filter((i) => i < alignLeft).length);
  let text = render(keep);
  while (widthOf(text) > maxWidth) {
    const droppable = keep.filter((i) => priority[i] !== Infinity);
    if (droppable.length === 0) break;
    const lowest = Math.min(...droppable.map((i) => priority[i]));
    keep = keep.filter((i) => priority[i] !== lowest);
    text = render(keep);
  }
  return { text, hidden: header.filter((_, i) => !keep.includes(i)) };
}

/** Prose broken at spaces into lines of at most `width` columns. */
export function wrapText(text: string, width = TEXT_WIDTH): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line].join('\n');
}

/** The footnote under a table that left columns out. */
export function hiddenNote(hidden: readonly string[], whole = '--format md or csv writes them for a file'): string {
  return hidden.length ? `(${hidden.length} column(s) left out to fit ${TEXT_WIDTH} columns: ${hidden.join(', ')}; --wide shows every column, ${whole})` : '';
}

/**
 * A two-column key-value table whose values wrap at spaces onto continuation lines to fit
 * `maxWidth` (a single word longer than the room stays whole).
 */
export function wrappedTable(header: string[], rows: (string | number)[][], maxWidth = TEXT_WIDTH): string {
  const keyWidth = Math.max(...[header, ...rows].map((r) => String(r[0]).length));
  const room = Math.max(20, maxWidth - keyWidth - 2);
  const out = rows.flatMap(([k, v]) => wrapText(String(v), room).split('\n').map((line, i) => [i === 0 ? String(k) : '', line]));
  return table(header, out, 2);
}

/** Comma-separated values (RFC 4180 quoting), header first, with a final newline. */
export function csvTable(header: readonly (string | number)[], rows: readonly (readonly (string | number)[])[]): string {
  const cell = (c: string | number) => (/[",\n]/.test(String(c)) ? `"${String(c).replace(/"/g, '""')}"` : String(c));
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\n') + '\n';
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
  return table(['', ESTIMATES.closedForm, ESTIMATES.listSchedule, ESTIMATES.simulation, 'sim vs list', 'sim vs closed'], rows);
}

const usOf = (ps: number) => (ps / 1e6).toFixed(3);
const share = (part: number, whole: number) => (whole === 0 ? '' : ` (${((part / whole) * 100).toFixed(0)}%)`);

/**
 * How much of the closed form's error is per-job cost, pipelining idealisation and contention.
 * The gap is the summary's "sim vs closed" (same base: the closed form), stated as a distance.
 */
export function decompositionText(c: Comparison): string {
  const d = c.decomposition;
  const err = d.closedFormErrorPs;
  const abs = Math.abs(d.jobCostPs) + Math.abs(d.pipeliningPs) + Math.abs(d.contentionPs);
  const line = (label: string, ps: number) => `  ${label.padEnd(77)} ${usOf(ps)} us${share(Math.abs(ps), abs)}`;
  const rel = d.closedFormPs ? Math.abs(err) / d.closedFormPs : 0;
  return [
    wrapText(`closed form ${usOf(d.closedFormPs)} us, simulation ${usOf(d.simulatedPs)} us: the simulation is ${usOf(Math.abs(err))} us (${upct(rel)} of the closed form) ${err >= 0 ? 'below' : 'above'} it. Closed form - simulation, in parts (share of their absolute sum):`),
    line('per-job cost idealisation (communication added to compute, no tile overlap)', d.jobCostPs),
    line('pipelining idealisation (stages x micro-batches formula vs the real order)', d.pipeliningPs),
    line(`contention (list schedule - simulation: queueing on links and DRAM${c.dram ? ', bank timing' : ''})`, d.contentionPs),
  ].join('\n');
}

/** The per-job error line: magnitudes, so unsigned. */
export function jobErrorText(c: Comparison): string {
  return `per-job latency, |simulation - list schedule| / list schedule: mean ${upct(c.jobErrorMean)}, max ${upct(c.jobErrorMax)}`;
}

/** Where the wall time went: the simulation itself and, apart, writing the traces (they interleave). */
export function timingText(c: Comparison, wallMs: number, traceMs: number): string {
  const simMs = Math.max(wallMs - traceMs, 0);
  const rate = c.events / Math.max(simMs / 1000, 1e-9) / 1e6;
  return `simulation: ${c.events} events in ${simMs.toFixed(1)} ms (${rate.toFixed(2)} M events/s)${traceMs > 0 ? `; trace writing ${traceMs.toFixed(1)} ms more` : ''}${c.fingerprint ? `, fingerprint ${c.fingerprint}` : ''}`;
}

/** Top resources by queueing delay imposed, with the two jobs they delayed most (one a line: the table stays narrow). */
export function resourcesText(c: Comparison, limit = 8): string {
  const rows = c.resources.slice(0, limit).flatMap((r) => {
    const jobs = r.jobs.slice(0, 2).map((j) => `${j.job} ${usOf(j.delayPs)}`);
    return [[r.name, r.kind, usOf(r.busyPs), `${(r.utilization * 100).toFixed(1)}%`, usOf(r.queueDelayPs), jobs[0] ?? ''], ...jobs.slice(1).map((j) => ['', '', '', '', '', j])];
  });
  return table(['resource', 'kind', 'busy (us)', 'util', 'queue delay (us)', 'jobs delayed most (us)'], rows, 2).replace(/\s+$/gm, '');
}

/**
 * The jobs whose simulated duration differs most from the list schedule's, with the reason:
 * ranked by relative error (what the per-job headline's max quotes), then by microseconds.
 */
export function worstJobsText(c: Comparison, limit = 8): string {
  const rows = [...c.rows]
    .map((r, i) => ({ r, i, d: r.simulatedPs - r.analyticalPs }))
    .sort((a, b) => (Number.isFinite(b.r.error) ? Math.abs(b.r.error) : Infinity) - (Number.isFinite(a.r.error) ? Math.abs(a.r.error) : Infinity) || Math.abs(b.d) - Math.abs(a.d) || a.i - b.i)
    .slice(0, limit)
    .filter((x) => x.d !== 0 || x.r.queueDelayPs > 0);
  if (rows.length === 0) return 'every job took exactly its list-schedule time';
  return rows.map(({ r }) => wrapText(`${r.job} on ${r.chiplet}: ${usOf(r.analyticalPs)} -> ${usOf(r.simulatedPs)} us (${pct(r.error)}): ${r.reason}`, TEXT_WIDTH - 2).replace(/\n/g, '\n  ')).join('\n');
}

/** Per window: closed form, list schedule and simulation (windows are barriers). */
export function windowsText(c: Comparison): string {
  return table(['window', `${ESTIMATES.closedForm} (us)`, `${ESTIMATES.listSchedule} (us)`, `${ESTIMATES.simulation} (us)`], c.windows.map((w) => [w.window, usOf(w.closedFormPs), usOf(w.listPs), usOf(w.simulatedPs)]));
}

/** Everything validate says about why the estimates differ. */
export function explanationText(c: Comparison, limit = 8): string {
  const parts = [decompositionText(c), '', windowsText(c), '', `resources by queueing delay imposed (top ${Math.min(limit, c.resources.length)} of ${c.resources.length}):`, resourcesText(c, limit), '', `jobs with the largest error, (simulation - list schedule) / list schedule:`, worstJobsText(c, limit)];
  if (c.dram) parts.push('', `banked DRAM: ${Object.entries(c.dram).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  return parts.join('\n');
}

/** Every job; fits TEXT_WIDTH columns unless `wide` (the least needed columns left out, with a footnote). */
export function jobsText(c: Comparison, limit = Infinity, wide = false, whole = '--format csv writes them for a file'): string {
  const rows = c.rows.slice(0, limit).map((r) => [
    r.job, r.chiplet, r.dataflow, r.tiles, (r.utilization * 100).toFixed(1), (r.closedFormPs / 1e6).toFixed(3), (r.analyticalPs / 1e6).toFixed(3), (r.simulatedPs / 1e6).toFixed(3), pct(r.error),
    (r.queueDelayPs / 1e6).toFixed(3), r.topResource ?? '',
  ]);
  const header = ['job', 'chiplet', 'df', 'tiles', 'util%', 'closed form (us)', 'list schedule (us)', 'simulation (us)', 'sim vs list', 'queued (us)', 'most at'];
  const t = fitTable(header, rows, [Infinity, 3, 1, 1, 1, 2, Infinity, Infinity, Infinity, 2, 1], wide ? Infinity : TEXT_WIDTH);
  return t.hidden.length ? `${t.text}\n${wrapText(hiddenNote(t.hidden, whole))}` : t.text;
}

export function jobsCsv(c: Comparison): string {
  // analytical_ps (last): the old name of list_schedule_ps, kept one release for scripts that read it.
  const head = 'job,chiplet,dataflow,tiles,utilization,list_schedule_ps,simulated_ps,error,closed_form_ps,ready_ps,start_ps,end_ps,wait_producers_ps,queue_delay_ps,top_resource,top_resource_delay_ps,compute_ps,store_ps,analytical_ps';
  return [head, ...c.rows.map((r) => [
    r.job, r.chiplet, r.dataflow, r.tiles, r.utilization, r.analyticalPs, r.simulatedPs, r.error, r.closedFormPs, r.readyPs, r.startPs, r.endPs,
    r.waitProducersPs, r.queueDelayPs, r.topResource ?? '', r.topResourceDelayPs, r.computePs, r.storePs, r.analyticalPs,
  ].join(','))].join('\n') + '\n';
}

/**
 * Scenario x package table (EDP in J*s, simulated) and the averages. `format` text fits
 * TEXT_WIDTH columns unless `wide` (the least needed columns are left out, with a footnote);
 * md and csv carry every column.
 */
export function comparisonText(r: PackageComparison, format: 'text' | 'md' | 'csv' | boolean, wide = false): string {
  const fmt = format === true ? 'md' : format === false ? 'text' : format;
  const pkgs = r.scenarios[0]?.results.map((x) => x.package) ?? [];
  const homs = Object.keys(r.scenarios[0]?.edpReductionVs ?? {});
  const header = ['scenario', ...pkgs.map((p) => `${p} EDP`), 'best het', 'best hom', 'vs hom: sim', 'vs hom: list', 'vs hom: closed', ...homs.map((h) => `vs ${h}: sim`)];
  // What stays when the terminal is narrow: the scenario and the simulated reduction always; then
  // the best packages, the other estimates' reductions, the EDPs, the per-baseline reductions.
  const priority = [Infinity, ...pkgs.map(() => 2), 4, 4, Infinity, 3, 3, ...homs.map(() => 1)];
  const rows = r.scenarios.map((s) => [
    s.scenario, ...s.results.map((x) => sci(x.simulated.edpJs)), s.bestHeterogeneous, s.bestHomogeneous,
    pct(s.edpReductionSimulated), pct(s.edpReductionAnalytical), pct(s.edpReductionClosedForm), ...homs.map((h) => pct(s.edpReductionVs[h])),
  ]);
  const avg = r.averages.map((a) => [`mean ${a.kind} (${a.scenarios})`, ...pkgs.map(() => ''), '', '', pct(a.edpReductionSimulated), pct(a.edpReductionAnalytical), pct(a.edpReductionClosedForm), ...homs.map((h) => pct(a.edpReductionVs[h]))]);
  if (fmt === 'csv') return csvTable(header, [...rows, ...avg]).trimEnd();
  const gaps = r.scenarios.flatMap((s) =>
    s.results.flatMap((x) => {
      const g = x.gap;
      if (!g) return [];
      if ('skipped' in g) return [`${s.scenario} on ${x.package}: no exhaustive reference (${g.skipped})`];
      return [`${s.scenario} on ${x.package}: SCAR ${sci(g.scarEdpJs)} vs exhaustive ${sci(g.exhaustiveEdpJs)} J*s (sum of window EDPs), gap ${pct(g.gap)}${g.capped ? ' (exhaustive search capped)' : ''}`];
    }),
  );
  const lines = [wrapText(`strategy ${r.strategy}, seed ${r.seed}; EDP in J*s (simulation). "vs hom": the EDP reduction 1 - EDP(best heterogeneous) / EDP(best homogeneous) by each estimate (sim: simulation, list: list schedule, closed: closed form); "vs P": against package P; positive: heterogeneous wins; n/a: no such package.`)];
  if (fmt === 'md') lines.push(mdTable(header, [...rows, ...avg]));
  else {
    const t = fitTable(header, [...rows, ...avg], priority, wide ? Infinity : TEXT_WIDTH);
    lines.push(t.text, ...(t.hidden.length ? [wrapText(hiddenNote(t.hidden))] : []));
  }
  return [...lines, ...gaps].join('\n');
}
