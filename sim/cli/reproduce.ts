/**
 * `mcmsim reproduce scar`: argument checks, progress on stderr, and output. The work itself is in
 * sim/report/reproduce.ts.
 */
import { reproduceScar, ReproOptions } from '../report/reproduce';
import { ROOT } from '../root';
import { runUnits } from './pool';
import { Progress } from './progress';
import { reproduceText } from '../report/reproduce-format';
import { ObjectiveName } from '../sched/objective';
import { reproduceReport } from '../report/html/reproduce';
import { reportMeta, writeHtmlReport } from './html';
import { jsonOut } from '../report/json-names';

export interface ReproduceArgs {
  paper: string;
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
  const o: ReproOptions = { grid: args.grid, objective: args.objective, seed: args.seed, sides: args.sides, slo: args.slo };
  let progress: Progress | undefined;
  const cpu0 = process.cpuUsage();
  const report = await reproduceScar(ROOT, o, () => undefined, (units) => {
    progress = new Progress(units.length, args.quiet);
    return runUnits('reproduce', units, {
      jobs,
      onResult: (i, r) => {
        for (const w of r.warnings) progress!.note(`mcmsim: ${w}`);
        progress!.unit(`scenario ${units[i].scenarioId} ${units[i].key}`);
      },
    });
  });
  progress?.end();
  // The units' own CPU figures are process-wide (Node 20 has no per-thread CPU clock), so with
  // worker threads they overlap; the whole run's process CPU (every thread) is the honest total.
  const cpu = process.cpuUsage(cpu0);
  report.cpuSeconds = (cpu.user + cpu.system) / 1e6;
  if (args.html) writeHtmlReport(args.html, reproduceReport(report, reportMeta(['models/scenarios/scar*.json', 'models/packages/scar_*.json'], args.seed, args.argv)), args.quiet);
  return args.json ? jsonOut(report) : reproduceText(report, args.format === 'md');
}
