/**
 * `mcmsim reproduce scar`: argument checks, progress on stderr, and output. The work itself is in
 * sim/report/reproduce.ts.
 */
import { assembleReport, MappingProfile, MAPPING_PROFILES, ReproOptions, ScarReport, scarUnits } from '../report/reproduce';
import { ROOT } from '../root';
import { runUnits } from './pool';
import { Progress } from './progress';
import { reproduceBothText, reproduceText } from '../report/reproduce-format';
import { ObjectiveName } from '../sched/objective';
import { reproduceReport } from '../report/html/reproduce';
import { reportMeta, writeHtmlReport } from './html';

export interface ReproduceArgs {
  paper: string;
  /** One profile, or `both` (each run, reported side by side). */
  mapping: MappingProfile | 'both';
  grid: '3x3' | '6x6';
  objective: ObjectiveName;
  seed: string;
  sides: 'nvd' | 'shi';
  slo: boolean;
  json: boolean;
  quiet: boolean;
  format: 'text' | 'md';
  html?: string;
  argv?: string[];
}

/** Scheduler warnings always; one progress line per finished unit (k of N and time left on a terminal). */
export async function runReproduce(args: ReproduceArgs, jobs: number): Promise<string> {
  const profiles = args.mapping === 'both' ? MAPPING_PROFILES : [args.mapping];
  const opts: ReproOptions[] = profiles.map((mapping) => ({ mapping, grid: args.grid, objective: args.objective, seed: args.seed, sides: args.sides, slo: args.slo }));
  // Every profile's units in one pool run, so `both` keeps every worker busy.
  const perProfile = opts.map((o) => scarUnits(ROOT, o));
  const units = perProfile.flat();
  const progress = new Progress(units.length, args.quiet);
  const cpu0 = process.cpuUsage();
  const unitCpuS: number[] = [];
  const results = await runUnits('reproduce', units, {
    jobs,
    onResult: (i, r) => {
      for (const w of r.warnings) progress.note(`mcmsim: ${w}`);
      unitCpuS[i] = (r.scheduleCpuMs + r.evaluateCpuMs) / 1000;
      progress.unit(`${args.mapping === 'both' ? `${units[i].overrides?.mapping} ` : ''}scenario ${units[i].scenarioId} ${units[i].key}`);
    },
  });
  progress.end();
  // The units' own CPU figures are process-wide (Node 20 has no per-thread CPU clock), so with
  // worker threads they overlap; the whole run's process CPU (every thread) is the honest total,
  // split over the profiles in proportion to their units' own figures.
  const cpu = process.cpuUsage(cpu0);
  const totalS = (cpu.user + cpu.system) / 1e6;
  let at = 0;
  const reports: ScarReport[] = opts.map((o, p) => {
    const n = perProfile[p].length;
    const report = assembleReport(o, results.slice(at, at + n));
    const own = unitCpuS.slice(at, at + n).reduce((a, b) => a + b, 0);
    const all = unitCpuS.reduce((a, b) => a + b, 0);
    report.cpuSeconds = opts.length === 1 || all === 0 ? totalS : (totalS * own) / all;
    at += n;
    return report;
  });
  if (args.html) writeHtmlReport(args.html, reproduceReport(reports, reportMeta(['models/scenarios/scar*.json', 'models/packages/scar_*.json'], args.seed, args.argv)), args.quiet);
  const md = args.format === 'md';
  if (args.json) return JSON.stringify(reports.length === 1 ? reports[0] : Object.fromEntries(reports.map((r) => [r.mapping, r])), null, 2);
  return reports.length === 1 ? reproduceText(reports[0], md) : reproduceBothText(reports, md);
}
